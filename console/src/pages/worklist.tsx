// The collection worklist: customers ranked by priority, why, and what to do next.
import doc from "../operations/Worklist.graphql?raw";
import type { WorklistQuery, WorklistQueryVariables } from "../gql/types";
import { AsOf, Frame, Header, Pager, useAsOf } from "../components/ui";
import { label, money, number } from "../format";
import { useQuery } from "../hooks";
import { useParams } from "../router";

export function Worklist() {
  const [params] = useParams();
  const asOf = useAsOf();
  const state = useQuery<WorklistQuery, WorklistQueryVariables>(doc, { asOf, after: params.get("after") });
  return (
    <>
      <Header title="Collection worklist">
        <AsOf />
      </Header>
      <Frame state={state}>
        {(data) => (
          <>
            <div class="table-wrap">
              <table>
                <caption>Customers to chase as of {asOf}, highest priority first</caption>
                <thead>
                  <tr>
                    <th scope="col">Customer</th>
                    <th scope="col">Next step</th>
                    <th scope="col" class="num">Score</th>
                    <th scope="col" class="num">Overdue</th>
                    <th scope="col" class="num">Weighted overdue</th>
                    <th scope="col">Risk</th>
                    <th scope="col" class="num">Oldest (days)</th>
                    <th scope="col">Flags</th>
                  </tr>
                </thead>
                <tbody>
                  {data.collectionWorklist.edges.map(({ node: e }) => (
                    <tr key={e.customer.id}>
                      <th scope="row">
                        <a href={`/console/customers/${encodeURIComponent(e.customer.id)}`}>{e.customer.name}</a>
                      </th>
                      <td>{label(e.suggestedAction)}</td>
                      <td class="num">{number(e.priority.score, 2)}</td>
                      <td class="num">{money(e.priority.overdue)}</td>
                      <td class="num">{money(e.priority.weightedOverdue)}</td>
                      <td>{e.priority.riskRating}</td>
                      <td class="num">{e.priority.oldestDaysPastDue}</td>
                      <td>{[e.priority.brokenPromise && "broken promise", e.priority.overLimit && "over limit"].filter(Boolean).join(", ") || "–"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager total={data.collectionWorklist.totalCount} endCursor={data.collectionWorklist.pageInfo.endCursor} hasNext={data.collectionWorklist.pageInfo.hasNextPage} />
          </>
        )}
      </Frame>
    </>
  );
}
