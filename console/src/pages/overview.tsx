// Portfolio overview: KPI tiles against the previous period, aging, 12-month trends and a breakdown
// whose rows narrow every figure on the page (the drill-down is a filter in the URL).
import doc from "../operations/Overview.graphql?raw";
import trendDoc from "../operations/OverviewTrend.graphql?raw";
import breakdownDoc from "../operations/OverviewBreakdown.graphql?raw";
import type {
  ArDimension,
  CustomerFilter,
  OverviewBreakdownQuery,
  OverviewBreakdownQueryVariables,
  OverviewQuery,
  OverviewQueryVariables,
  OverviewTrendQuery,
  OverviewTrendQueryVariables,
} from "../gql/types";
import { BarChart, DataTable, LineChart } from "../components/charts";
import { AsOf, Frame, Header, useAsOf } from "../components/ui";
import { addDays, compactMoney, day, integer, money, month, number, percent } from "../format";
import { useQuery } from "../hooks";
import { useParams, withParams } from "../router";
import { useViewer } from "../session";

export const DIMENSIONS: [ArDimension, keyof CustomerFilter, string][] = [
  ["REGION", "region", "Region"],
  ["SEGMENT", "segment", "Segment"],
  ["COUNTRY", "country", "Country"],
  ["CURRENCY", "currency", "Currency"],
  ["RISK_RATING", "riskRating", "Risk rating"],
  ["SALES_OWNER", "salesOwner", "Sales owner"],
];

/** The drill-down filter of the URL (the same names the customers page and the CSV exports use). */
export function filterFrom(params: URLSearchParams): CustomerFilter {
  const filter: Record<string, string> = {};
  for (const [, name] of DIMENSIONS) {
    const value = params.get(name);
    if (value) filter[name] = value;
  }
  return filter as CustomerFilter;
}

type Summary = OverviewQuery["current"];
type Previous = OverviewQuery["previous"];

interface Tile {
  key: string;
  title: string;
  raw: string | number | null;
  text: string;
  before: number | null;
  now: number | null;
  /** Whether a rise is good news (DSO rising is bad, CEI rising is good). */
  upIsGood: boolean;
  show: (delta: number) => string;
}

function tiles(c: Summary, p: Previous, base: string): Tile[] {
  const n = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));
  const days = (v: number) => `${number(v, 1)} d`;
  const cash = (v: number) => money({ amount: String(v), currencyCode: base });
  const share = (o: string, t: string) => (Number(t) ? Number(o) / Number(t) : null);
  return [
    { key: "totalOpen", title: "Total AR", raw: c.totalOpen.amount, text: money(c.totalOpen), now: n(c.totalOpen.amount), before: n(p.totalOpen.amount), upIsGood: false, show: cash },
    { key: "overdue", title: "Overdue", raw: c.overdue.amount, text: `${money(c.overdue)} (${percent(share(c.overdue.amount, c.totalOpen.amount))})`, now: n(c.overdue.amount), before: n(p.overdue.amount), upIsGood: false, show: cash },
    { key: "netBalance", title: "Net balance", raw: c.netBalance.amount, text: money(c.netBalance), now: n(c.netBalance.amount), before: n(p.netBalance.amount), upIsGood: false, show: cash },
    { key: "dso", title: "DSO", raw: c.dso, text: c.dso === null ? "–" : days(c.dso), now: c.dso, before: p.dso, upIsGood: false, show: days },
    { key: "countbackDso", title: "Countback DSO", raw: c.countbackDso, text: c.countbackDso === null ? "–" : days(c.countbackDso), now: c.countbackDso, before: p.countbackDso, upIsGood: false, show: days },
    { key: "bestPossibleDso", title: "Best possible DSO", raw: c.bestPossibleDso, text: c.bestPossibleDso === null ? "–" : days(c.bestPossibleDso), now: c.bestPossibleDso, before: p.bestPossibleDso, upIsGood: false, show: days },
    { key: "averageDaysDelinquent", title: "Average days delinquent", raw: c.averageDaysDelinquent, text: c.averageDaysDelinquent === null ? "–" : days(c.averageDaysDelinquent), now: c.averageDaysDelinquent, before: p.averageDaysDelinquent, upIsGood: false, show: days },
    { key: "cei", title: "CEI", raw: c.cei, text: c.cei === null ? "–" : `${number(c.cei, 1)} %`, now: c.cei, before: p.cei, upIsGood: true, show: (v) => `${number(v, 1)} pt` },
    { key: "customersOverLimit", title: "Customers over limit", raw: c.customersOverLimit, text: integer(c.customersOverLimit), now: c.customersOverLimit, before: p.customersOverLimit, upIsGood: false, show: (v) => integer(v) },
    { key: "openDisputes", title: "Open disputes", raw: c.openDisputes.count, text: `${integer(c.openDisputes.count)} · ${money(c.openDisputes.amount)}`, now: c.openDisputes.count, before: p.openDisputes.count, upIsGood: false, show: (v) => integer(v) },
  ];
}

function Change({ tile, since }: { tile: Tile; since: string }) {
  if (tile.now === null || tile.before === null) return <span class="change">no figure for {since}</span>;
  const delta = tile.now - tile.before;
  if (Math.abs(delta) < 1e-9) return <span class="change">unchanged since {since}</span>;
  const good = delta > 0 === tile.upIsGood;
  const sign = delta > 0 ? "+" : "−";
  return (
    <span class={`change ${good ? "good" : "bad"}`}>
      <span aria-hidden="true">{delta > 0 ? "▲" : "▼"} </span>
      {sign}
      {tile.show(Math.abs(delta))} since {since}
    </span>
  );
}

function Tiles({ data, base }: { data: OverviewQuery; base: string }) {
  const since = day(data.previous.asOf);
  return (
    <ul class="tiles" aria-label="Key figures">
      {tiles(data.current, data.previous, base).map((tile) => (
        <li class="tile" key={tile.key} data-tile={tile.key} data-value={tile.raw === null ? "" : String(tile.raw)}>
          <span class="tile-title">{tile.title}</span>
          <span class="tile-value">{tile.text}</span>
          <Change tile={tile} since={since} />
        </li>
      ))}
    </ul>
  );
}

function Aging({ summary }: { summary: Summary }) {
  const buckets = summary.aging.buckets;
  return (
    <section aria-labelledby="aging-title">
      <h2 id="aging-title">Aging</h2>
      <BarChart title="Open amount by days past due" bars={buckets.map((b) => ({ label: b.label, value: Number(b.amount.amount), text: money(b.amount) }))} />
      <DataTable caption="Aging buckets" head={["Bucket", "Open amount", "Invoices"]} rows={buckets.map((b) => [b.label, money(b.amount), integer(b.count)])} />
    </section>
  );
}

function Trend({ data, base }: { data: OverviewTrendQuery; base: string }) {
  const points = data.trend;
  const labels = points.map((p) => month(p.date));
  const cash = (v: number) => compactMoney(v, base);
  const series = [
    { name: "AR", values: points.map((p) => Number(p.ar.amount)), format: cash },
    { name: "Overdue", values: points.map((p) => Number(p.overdue.amount)), format: cash },
    { name: "DSO", values: points.map((p) => p.dso), format: (v: number) => `${number(v, 1)} d` },
    { name: "CEI", values: points.map((p) => p.cei), format: (v: number) => `${number(v, 1)} %` },
    { name: "Collections", values: points.map((p) => Number(p.collections.amount)), format: cash },
  ];
  return (
    <section aria-labelledby="trend-title">
      <h2 id="trend-title">12-month trend</h2>
      <div class="sparks">
        {series.map((s) => (
          <LineChart key={s.name} title="12-month trend" labels={labels} series={s} />
        ))}
      </div>
      <details>
        <summary>The trend as a table</summary>
        <DataTable
          caption="Month-end figures"
          head={["Month", "AR", "Overdue", "DSO", "CEI", "Collections"]}
          rows={points.map((p) => [month(p.date), money({ ...p.ar, currencyCode: base }), money({ ...p.overdue, currencyCode: base }), number(p.dso), number(p.cei), money({ ...p.collections, currencyCode: base })])}
        />
      </details>
    </section>
  );
}

function Breakdown({ data, by, base }: { data: OverviewBreakdownQuery; by: ArDimension; base: string }) {
  const [params, set] = useParams();
  const [, field, name] = DIMENSIONS.find(([d]) => d === by)!;
  const narrow = (key: string) => {
    // Narrow to the group, then show the next dimension not narrowed yet.
    const next = DIMENSIONS.find(([d, f]) => d !== by && !params.get(f));
    set({ [field]: key, by: next ? next[0] : by });
  };
  const cash = (amount: string) => money({ amount, currencyCode: base });
  const rows = data.breakdown;
  return (
    <section aria-labelledby="breakdown-title">
      <h2 id="breakdown-title">Breakdown by {name.toLowerCase()}</h2>
      <div class="tabs" role="group" aria-label="Break down by">
        {DIMENSIONS.map(([d, , n]) => (
          <button key={d} type="button" aria-pressed={d === by ? "true" : "false"} onClick={() => set({ by: d })}>
            {n}
          </button>
        ))}
      </div>
      <BarChart title={`Total AR by ${name}`} bars={rows.map((r) => ({ label: r.key || "(none)", value: Number(r.totalOpen.amount), text: compactMoney(Number(r.totalOpen.amount), base), onSelect: () => narrow(r.key) }))} />
      <DataTable
        caption={`Figures by ${name.toLowerCase()}; choose a group to narrow the page to it`}
        head={[name, "Total AR", "Overdue", "Net balance", "DSO", "CEI", "Customers"]}
        rows={rows.map((r) => [
          <button type="button" class="link" onClick={() => narrow(r.key)} aria-label={`Narrow to ${name} ${r.key}`}>
            {r.key || "(none)"}
          </button>,
          cash(r.totalOpen.amount),
          cash(r.overdue.amount),
          cash(r.netBalance.amount),
          number(r.dso),
          number(r.cei),
          integer(r.customersWithBalance),
        ])}
      />
    </section>
  );
}

function Narrowed() {
  const [params, set] = useParams();
  const active = DIMENSIONS.filter(([, f]) => params.get(f));
  if (!active.length) return null;
  return (
    <div class="chips" role="group" aria-label="Narrowed to">
      {active.map(([, f, n]) => (
        <button key={f} type="button" class="chip" onClick={() => set({ [f]: null })} aria-label={`Remove ${n} ${params.get(f)}`}>
          {n}: {params.get(f)} <span aria-hidden="true">×</span>
        </button>
      ))}
      <a href={withParams({ ...Object.fromEntries(active.map(([, f]) => [f, null])) })}>Whole portfolio</a>
    </div>
  );
}

function TrendSection({ asOf, filter, base, wait }: { asOf: string; filter: CustomerFilter; base: string; wait: boolean }) {
  const state = useQuery<OverviewTrendQuery, OverviewTrendQueryVariables>(trendDoc, { asOf, filter }, wait);
  return <Frame state={state}>{(data) => <Trend data={data} base={base} />}</Frame>;
}

function BreakdownSection({ asOf, filter, by, base, wait }: { asOf: string; filter: CustomerFilter; by: ArDimension; base: string; wait: boolean }) {
  const state = useQuery<OverviewBreakdownQuery, OverviewBreakdownQueryVariables>(breakdownDoc, { asOf, filter, by }, wait);
  return <Frame state={state}>{(data) => <Breakdown data={data} by={by} base={base} />}</Frame>;
}

export function Overview() {
  const viewer = useViewer();
  const [params] = useParams();
  const asOf = useAsOf();
  const by = (params.get("by") as ArDimension) || "REGION";
  const filter = filterFrom(params);
  // Three requests: the tiles first, then the breakdown and the trend, which would otherwise compete with
  // them for the server (the trend's twelve month ends cost far more than the tiles: docs/performance.md).
  const state = useQuery<OverviewQuery, OverviewQueryVariables>(doc, { asOf, previous: addDays(asOf, -90), filter });
  const base = viewer.tenant.baseCurrency;
  const exportQuery = new URLSearchParams({ asOf, ...(filter as Record<string, string>) }).toString();
  return (
    <>
      <Header title="Portfolio overview">
        <AsOf />
        <a class="button" href={`/exports/aging.csv?${exportQuery}`} download>
          Aging CSV
        </a>
      </Header>
      <Narrowed />
      <Frame state={state}>
        {(data) => (
          <>
            <p class="note">
              Figures as of {day(data.current.asOf)} in {base}; changes against {day(data.previous.asOf)} (one {data.current.periodDays}-day period before).{" "}
              <a href={`/console/customers?${exportQuery}`}>These customers</a>
            </p>
            <Tiles data={data} base={base} />
          </>
        )}
      </Frame>
      <div class="columns">
        <Frame state={state}>{(data) => <Aging summary={data.current} />}</Frame>
        <BreakdownSection asOf={asOf} filter={filter} by={by} base={base} wait={!state.data} />
      </div>
      <TrendSection asOf={asOf} filter={filter} base={base} wait={!state.data} />
    </>
  );
}
