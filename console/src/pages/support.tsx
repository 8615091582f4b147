// The support queue: requests newest first; open one to assign it, answer, add a note, resolve or reopen.
import { useState } from "preact/hooks";
import doc from "../operations/SupportQueue.graphql?raw";
import assignDoc from "../operations/AssignSupportRequest.graphql?raw";
import answerDoc from "../operations/AnswerSupportRequest.graphql?raw";
import noteDoc from "../operations/NoteSupportRequest.graphql?raw";
import resolveDoc from "../operations/ResolveSupportRequest.graphql?raw";
import reopenDoc from "../operations/ReopenSupportRequest.graphql?raw";
import type {
  AnswerSupportRequestMutation,
  AssignSupportRequestMutation,
  NoteSupportRequestMutation,
  ReopenSupportRequestMutation,
  ResolveSupportRequestMutation,
  SupportQueueQuery,
  SupportQueueQueryVariables,
  SupportStatus,
} from "../gql/types";
import { request } from "../api";
import { Action, Frame, Header, Pager, ParamSelect, Refusal, useSubmit } from "../components/ui";
import { label, moment } from "../format";
import { useQuery } from "../hooks";
import { may } from "../permissions";
import { useParams } from "../router";
import { useViewer } from "../session";

type Req = SupportQueueQuery["supportRequests"]["edges"][number]["node"];

function Reply({ req, done }: { req: Req; done: () => void }) {
  const [text, setText] = useState("");
  const { message, submit } = useSubmit();
  const send = (kind: "answer" | "note") => {
    const vars = { id: req.id, message: text };
    return submit(
      async () =>
        kind === "answer"
          ? (await request<AnswerSupportRequestMutation, typeof vars>(answerDoc, vars)).answerSupportRequest
          : (await request<NoteSupportRequestMutation, typeof vars>(noteDoc, vars)).addInternalNote,
      () => {
        setText("");
        done();
      },
    );
  };
  return (
    <form class="reply" onSubmit={(e) => (e.preventDefault(), send("answer"))} aria-label={`Reply to ${req.subject}`}>
      <label>
        Message
        <textarea rows={3} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      </label>
      <div class="buttons">
        <button type="submit">Answer the customer</button>
        <button type="button" onClick={() => send("note")}>
          Add internal note
        </button>
        <Refusal message={message} />
      </div>
    </form>
  );
}

function Detail({ req, done }: { req: Req; done: () => void }) {
  const viewer = useViewer();
  const manage = may(viewer.role, "support.manage");
  const id = { id: req.id };
  return (
    <section class="detail" aria-labelledby="req-title">
      <h2 id="req-title">{req.subject}</h2>
      <p class="note">
        {label(req.status)} · opened {moment(req.createdAt)} · SLA {moment(req.slaDue)}
        {req.invoiceNumber ? ` · invoice ${req.invoiceNumber}` : ""} · {req.assigneeId ? (req.assigneeId === viewer.memberId ? "assigned to you" : "assigned") : "unassigned"} ·{" "}
        <a href={`/console/customers/${encodeURIComponent(req.customerId)}`}>customer</a>
      </p>
      <ol class="thread">
        {req.messages.map((m, i) => (
          <li key={i} class={m.internal ? "internal" : m.author}>
            <span class="meta">
              {m.internal ? "Internal note" : m.author === "staff" ? "Staff" : "Customer"} · {moment(m.createdAt)}
            </span>
            <p>{m.body}</p>
          </li>
        ))}
      </ol>
      {manage && (
        <>
          <div class="buttons">
            {viewer.memberId && req.assigneeId !== viewer.memberId && (
              <Action label="Assign to me" run={async () => (await request<AssignSupportRequestMutation, object>(assignDoc, { id: req.id, assigneeId: viewer.memberId })).assignSupportRequest} done={done} />
            )}
            {req.assigneeId && (
              <Action label="Unassign" run={async () => (await request<AssignSupportRequestMutation, object>(assignDoc, { id: req.id, assigneeId: null })).assignSupportRequest} done={done} />
            )}
            {req.status !== "RESOLVED" ? (
              <Action label="Resolve" run={async () => (await request<ResolveSupportRequestMutation, typeof id>(resolveDoc, id)).resolveSupportRequest} done={done} />
            ) : (
              <Action label="Reopen" run={async () => (await request<ReopenSupportRequestMutation, typeof id>(reopenDoc, id)).reopenSupportRequest} done={done} />
            )}
          </div>
          <Reply req={req} done={done} />
        </>
      )}
    </section>
  );
}

export function Support() {
  const [params, set] = useParams();
  const status = params.get("status") as SupportStatus | null;
  const state = useQuery<SupportQueueQuery, SupportQueueQueryVariables>(doc, { filter: status ? { status } : null, after: params.get("after") });
  const selected = params.get("request");
  return (
    <>
      <Header title="Support queue">
        <ParamSelect name="status" text="Status" any="All" options={["OPEN", "WAITING_ON_CUSTOMER", "RESOLVED"]} />
      </Header>
      <Frame state={state}>
        {(data) => {
          const current = data.supportRequests.edges.find(({ node }) => node.id === selected)?.node;
          return (
            <div class="columns">
              <div>
                <ul class="queue" aria-label="Requests">
                  {data.supportRequests.edges.map(({ node: r }) => (
                    <li key={r.id}>
                      <button type="button" class="link" aria-current={r.id === selected ? "true" : undefined} onClick={() => set({ request: r.id }, true)}>
                        {r.subject}
                      </button>{" "}
                      <span class="meta">
                        {label(r.status)} · {moment(r.createdAt)}
                      </span>
                    </li>
                  ))}
                </ul>
                <Pager total={data.supportRequests.totalCount} endCursor={data.supportRequests.pageInfo.endCursor} hasNext={data.supportRequests.pageInfo.hasNextPage} />
              </div>
              {current ? <Detail req={current} done={state.reload} /> : <p>Choose a request to read its thread.</p>}
            </div>
          );
        }}
      </Frame>
    </>
  );
}
