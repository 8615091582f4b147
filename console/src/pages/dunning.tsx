// Dunning: the print queue of letter steps (download one print file, mark what was posted) and the latest runs.
import doc from "../operations/Dunning.graphql?raw";
import markDoc from "../operations/MarkLettersPrinted.graphql?raw";
import type { DunningQuery, DunningQueryVariables, MarkLettersPrintedMutation, MarkLettersPrintedMutationVariables } from "../gql/types";
import { request } from "../api";
import { DataTable } from "../components/charts";
import { Action, Frame, Header, Pager, ParamSelect } from "../components/ui";
import { day, money, moment } from "../format";
import { useQuery } from "../hooks";
import { may } from "../permissions";
import { useParams } from "../router";
import { useViewer } from "../session";

type Letters = DunningQuery["dunningLetters"];

function Queue({ letters, printFile, printed, done }: { letters: Letters; printFile: string; printed: boolean; done: () => void }) {
  const viewer = useViewer();
  const ids = letters.edges.map(({ node }) => node.id);
  const act = !printed && ids.length > 0 && may(viewer.role, "collections.act");
  const pageFile = ids.length ? `/documents/dunning-letters.pdf?${ids.map((id) => `id=${encodeURIComponent(id)}`).join("&")}` : printFile;
  return (
    <section aria-labelledby="queue">
      <h2 id="queue">{printed ? "Printed letters" : "Letters to print"} ({letters.totalCount})</h2>
      {!printed && ids.length > 0 && (
        <p class="actions">
          <a href={pageFile} download>
            Download these {ids.length} letters as one PDF
          </a>
          {act && (
            <Action
              label="Mark these printed"
              run={async () => (await request<MarkLettersPrintedMutation, MarkLettersPrintedMutationVariables>(markDoc, { ids })).markDunningLettersPrinted}
              done={done}
            />
          )}
        </p>
      )}
      <DataTable
        caption={printed ? "Printed, latest first" : "Waiting to be printed, oldest first"}
        head={["Customer", "Step", "Invoices", "Amount", printed ? "Printed" : "Letter"]}
        rows={letters.edges.map(({ node: m }) => [
          <a href={`/console/customers/${encodeURIComponent(m.customerId)}`}>{m.customerName}</a>,
          m.step,
          m.lines.map((l) => l.number).join(", "),
          m.totals.map((t) => money(t.amount)).join(" + "),
          printed ? `${moment(m.printedAt)} by ${m.printedBy}` : m.pdfUrl ? <a href={m.pdfUrl}>PDF</a> : "–",
        ])}
      />
      <Pager total={letters.totalCount} endCursor={letters.pageInfo.endCursor} hasNext={letters.pageInfo.hasNextPage} />
    </section>
  );
}

export function Dunning() {
  const [params] = useParams();
  const printed = params.get("letters") === "PRINTED";
  const state = useQuery<DunningQuery, DunningQueryVariables>(doc, { printed, after: params.get("after") });
  return (
    <>
      <Header title="Dunning">
        <ParamSelect name="letters" text="Letters" any="To print" options={["PRINTED"]} />
      </Header>
      <Frame state={state}>
        {(data) => (
          <>
            <Queue letters={data.dunningLetters} printFile={data.dunningLettersPdfUrl} printed={printed} done={state.reload} />
            <section aria-labelledby="runs">
              <h2 id="runs">Latest runs</h2>
              <DataTable
                caption="Dunning runs, newest first"
                head={["Day", "Trigger", "Started", "Sent", "Skipped"]}
                rows={data.dunningRuns.edges.map(({ node: r }) => [day(r.runOn), r.trigger, moment(r.startedAt), String(r.sentCount), String(r.skippedCount)])}
              />
            </section>
          </>
        )}
      </Frame>
    </>
  );
}
