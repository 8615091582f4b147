// Customers: the `customers` filters and orders as a form, the table paged; all of it in the URL.
import doc from "../operations/Customers.graphql?raw";
import type { CustomerListFilter, CustomerOrderBy, CustomersQuery, CustomersQueryVariables } from "../gql/types";
import { AsOf, Frame, Header, Pager, useAsOf } from "../components/ui";
import { money, number, percent } from "../format";
import { useQuery } from "../hooks";
import { useParams } from "../router";

const TEXT_FILTERS: [keyof CustomerListFilter, string][] = [
  ["search", "Name or account"],
  ["region", "Region"],
  ["segment", "Segment"],
  ["country", "Country"],
  ["currency", "Currency"],
  ["salesOwner", "Sales owner"],
];
const ORDERS: [CustomerOrderBy, string][] = [
  ["NAME", "Name"],
  ["NET_BALANCE", "Net balance"],
  ["OVERDUE", "Overdue"],
  ["UTILISATION", "Credit utilisation"],
  ["PRIORITY", "Collection priority"],
];
const PARAMS = [...TEXT_FILTERS.map(([k]) => k), "riskRating", "kycStatus", "hasOverdue", "overLimit"] as string[];

function filterOf(params: URLSearchParams): CustomerListFilter {
  const filter: Record<string, unknown> = {};
  for (const name of PARAMS) {
    const value = params.get(name);
    if (!value) continue;
    filter[name] = name === "hasOverdue" || name === "overLimit" ? value === "true" : value;
  }
  return filter as CustomerListFilter;
}

function Filters() {
  const [params, set] = useParams();
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const changes: Record<string, string | null> = { after: null };
    for (const name of PARAMS) changes[name] = String(form.get(name) ?? "") || null;
    changes.orderBy = String(form.get("orderBy") ?? "") || null;
    set(changes);
  };
  const select = (name: string, text: string, options: string[]) => (
    <label>
      {text}
      <select name={name} value={params.get(name) ?? ""}>
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form class="filters" onSubmit={submit} aria-label="Filter customers" key={location.search}>
      {TEXT_FILTERS.map(([name, text]) => (
        <label key={name}>
          {text}
          <input name={name} defaultValue={params.get(name) ?? ""} />
        </label>
      ))}
      {select("riskRating", "Risk rating", ["A", "B", "C", "D", "E"])}
      {select("kycStatus", "KYC status", ["NOT_STARTED", "PENDING", "IN_REVIEW", "APPROVED", "REJECTED", "EXPIRED"])}
      {select("hasOverdue", "Has overdue", ["true", "false"])}
      {select("overLimit", "Over limit", ["true", "false"])}
      <label>
        Sort by
        <select name="orderBy" value={params.get("orderBy") ?? "NAME"}>
          {ORDERS.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}

export function Customers() {
  const [params] = useParams();
  const asOf = useAsOf();
  const filter = filterOf(params);
  const orderBy = (params.get("orderBy") as CustomerOrderBy) || "NAME";
  const state = useQuery<CustomersQuery, CustomersQueryVariables>(doc, { first: 25, after: params.get("after"), asOf, filter, orderBy });
  const exportFilter: Record<string, string> = { asOf };
  for (const [k, v] of Object.entries(filter)) if (typeof v === "string") exportFilter[k] = v;
  const exportQuery = new URLSearchParams(exportFilter).toString();
  return (
    <>
      <Header title="Customers">
        <AsOf />
        <a class="button" href={`/exports/customers.csv?${exportQuery}`} download>
          Customers CSV
        </a>
        <a class="button" href={`/exports/aging.csv?${exportQuery}`} download>
          Aging CSV
        </a>
      </Header>
      <Filters />
      <Frame state={state}>
        {(data) => (
          <>
            <div class="table-wrap">
              <table>
                <caption>Customers as of {asOf}</caption>
                <thead>
                  <tr>
                    <th scope="col">Customer</th>
                    <th scope="col">Account</th>
                    <th scope="col">Region</th>
                    <th scope="col">Country</th>
                    <th scope="col">Risk</th>
                    <th scope="col">Sales owner</th>
                    <th scope="col" class="num">Net balance</th>
                    <th scope="col" class="num">Overdue</th>
                    <th scope="col" class="num">Utilisation</th>
                    <th scope="col" class="num">Priority</th>
                  </tr>
                </thead>
                <tbody>
                  {data.customers.edges.map(({ node: c }) => (
                    <tr key={c.id}>
                      <th scope="row">
                        <a href={`/console/customers/${encodeURIComponent(c.id)}${params.get("asOf") ? `?asOf=${asOf}` : ""}`}>{c.name}</a>
                      </th>
                      <td>{c.accountNumber}</td>
                      <td>{c.region}</td>
                      <td>{c.country}</td>
                      <td>{c.riskRating}</td>
                      <td>{c.salesOwner}</td>
                      <td class="num">{money(c.balances.netBalance)}</td>
                      <td class="num">{money(c.balances.overdue)}</td>
                      <td class="num">
                        {percent(c.balances.utilisation)}
                        {c.balances.overLimit ? " (over limit)" : ""}
                      </td>
                      <td class="num">{number(c.priority?.score)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager total={data.customers.totalCount} endCursor={data.customers.pageInfo.endCursor} hasNext={data.customers.pageInfo.hasNextPage} />
          </>
        )}
      </Frame>
    </>
  );
}
