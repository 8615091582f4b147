// Disputes still open or under review: accept (credit note), partially accept, or reject, with a reason.
import { useState } from "preact/hooks";
import doc from "../operations/Disputes.graphql?raw";
import decideDoc from "../operations/DecideDispute.graphql?raw";
import type { DecideDisputeMutation, DecideDisputeMutationVariables, DisputeDecision, DisputesQuery } from "../gql/types";
import { request } from "../api";
import { Frame, Header, Refusal, useSubmit } from "../components/ui";
import { day, label, money, moment } from "../format";
import { useQuery } from "../hooks";
import { may } from "../permissions";
import { useViewer } from "../session";

type D = DisputesQuery["openDisputes"][number];

function Decide({ dispute, done }: { dispute: D; done: (text: string) => void }) {
  const [decision, setDecision] = useState<DisputeDecision>("ACCEPT");
  const { message, submit: send } = useSubmit();
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    let credit: string | null = null;
    return send(
      async () => {
        const result = await request<DecideDisputeMutation, DecideDisputeMutationVariables>(decideDoc, {
          input: {
            disputeId: dispute.id,
            decision,
            acceptedAmount: decision === "PARTIAL" ? String(form.get("acceptedAmount") ?? "") : null,
            reason: String(form.get("reason") ?? ""),
          },
        });
        credit = result.decideDispute.creditNoteNumber;
        return result.decideDispute;
      },
      () => done(credit ? `Decided; credit note ${credit}.` : "Decided."),
    );
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-label={`Decide dispute ${dispute.reasonCode} ${dispute.invoiceNumber ?? ""}`}>
      <label>
        Decision
        <select name="decision" value={decision} onChange={(e) => setDecision((e.target as HTMLSelectElement).value as DisputeDecision)}>
          <option value="ACCEPT">Accept</option>
          <option value="PARTIAL">Accept part</option>
          <option value="REJECT">Reject</option>
        </select>
      </label>
      {decision === "PARTIAL" && (
        <label>
          Accepted amount
          <input name="acceptedAmount" inputMode="decimal" required />
        </label>
      )}
      <label>
        Reason
        <input name="reason" />
      </label>
      <button type="submit">Decide</button>
      <Refusal message={message} />
    </form>
  );
}

export function Disputes() {
  const viewer = useViewer();
  const state = useQuery<DisputesQuery, Record<string, never>>(doc, {});
  const [done, setDone] = useState<string | null>(null);
  const decide = may(viewer.role, "disputes.decide");
  return (
    <>
      <Header title="Disputes" />
      {done && (
        <p role="status" class="ok">
          {done}
        </p>
      )}
      <Frame state={state}>
        {(data) => (
          <div class="table-wrap">
            <table>
              <caption>Open disputes ({data.openDisputes.length})</caption>
              <thead>
                <tr>
                  <th scope="col">Reason</th>
                  <th scope="col">Invoice</th>
                  <th scope="col">Status</th>
                  <th scope="col">Opened</th>
                  <th scope="col">SLA</th>
                  <th scope="col" class="num">Amount</th>
                  {decide && <th scope="col">Decision</th>}
                </tr>
              </thead>
              <tbody>
                {data.openDisputes.map((d) => (
                  <tr key={d.id} data-dispute={d.id}>
                    <th scope="row">
                      <a href={`/console/customers/${encodeURIComponent(d.customerId)}`}>{label(d.reasonCode)}</a>
                    </th>
                    <td>{d.invoiceNumber ?? "–"}</td>
                    <td>{label(d.status)}</td>
                    <td>{day(d.openedOn)}</td>
                    <td>{moment(d.slaDue)}</td>
                    <td class="num">{money({ amount: d.amount, currencyCode: d.currencyCode })}</td>
                    {decide && (
                      <td>
                        <Decide
                          dispute={d}
                          done={(text) => {
                            setDone(text);
                            state.reload();
                          }}
                        />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Frame>
    </>
  );
}
