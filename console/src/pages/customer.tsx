// Customer 360: everything about one account as of a date, and the actions on it the role may take.
import doc from "../operations/Customer.graphql?raw";
import type { CustomerQuery, CustomerQueryVariables } from "../gql/types";
import { BarChart, DataTable } from "../components/charts";
import { AsOf, Frame, Header, useAsOf } from "../components/ui";
import { RecordPaymentForm } from "../components/payment-form";
import { day, label, money, moment, number, percent } from "../format";
import { useQuery } from "../hooks";
import { may } from "../permissions";
import { useViewer } from "../session";

type C = CustomerQuery["customer"];
type Work = Pick<CustomerQuery, "collectionTasks" | "approvalRequests">;

function Facts({ items }: { items: [string, preact.ComponentChildren][] }) {
  return (
    <dl class="facts">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Gauge({ value }: { value: number | null }) {
  const share = Math.max(0, Math.min(1.2, value ?? 0));
  return (
    <div class="gauge">
      <svg viewBox="0 0 200 16" role="img" aria-label={`Credit utilisation ${percent(value)}`}>
        <rect x="0" y="0" width="200" height="16" rx="3" class="track" />
        <rect x="0" y="0" width={(Math.min(share, 1) * 200).toFixed(1)} height="16" rx="3" class={share > 1 ? "over" : share > 0.8 ? "high" : "ok"} />
      </svg>
      <span>{percent(value)} of the limit used</span>
    </div>
  );
}

function Collections({ c, work }: { c: C; work: Work }) {
  const d = c.dunning;
  return (
    <div class="columns">
      <section aria-labelledby="dun">
        <h2 id="dun">Dunning and credit hold</h2>
        <Facts
          items={[
            ["Policy", d.policy ?? "none"],
            ["Last step", d.step ?? "–"],
            ["Next step", d.nextStep ? `${d.nextStep} on ${day(d.nextStepOn)}` : "–"],
            ["Paused", d.paused ? `yes${d.pausedUntil ? ` until ${day(d.pausedUntil)}` : ""}: ${d.reason}` : "no"],
            ["Credit hold", c.onCreditHold ? c.creditHolds.map((h) => `${label(h.source)}: ${h.reason} (${h.placedBy}, ${moment(h.placedAt)})`).join("; ") : "none"],
          ]}
        />
        <DataTable
          caption={`Open collection tasks (${work.collectionTasks.totalCount})`}
          head={["Due", "Task", "Kind", "Assignee"]}
          rows={work.collectionTasks.edges.map(({ node: t }) => [day(t.dueOn), t.title, label(t.kind), t.assignee ?? "unassigned"])}
        />
        <DataTable
          caption={`Credit and write-off requests (${work.approvalRequests.totalCount})`}
          head={["Requested", "Kind", "State", "Amount", "Waiting for", "Reason"]}
          rows={work.approvalRequests.edges.map(({ node: r }) => [
            `${moment(r.requestedAt)} by ${r.requestedBy}`,
            label(r.kind),
            `${label(r.state)}${r.pastSla ? " (past SLA)" : ""}`,
            money(r.amount),
            r.waitingForRoles.join(", ") || "–",
            r.reason,
          ])}
        />
      </section>
      <section aria-labelledby="tl">
        <h2 id="tl">Timeline ({c.timeline.totalCount})</h2>
        <DataTable
          caption="Latest first: invoices, payments, reminders, activities, promises, disputes"
          head={["Date", "What", "Detail", "Amount"]}
          rows={c.timeline.edges.map(({ node: e }) => [
            day(e.on),
            e.pdfUrl ? <a href={e.pdfUrl}>{e.title}</a> : e.title,
            e.detail,
            e.amount ? money(e.amount) : "–",
          ])}
        />
      </section>
    </div>
  );
}

function Body({ c, work, reload }: { c: C; work: Work; reload: () => void }) {
  const viewer = useViewer();
  const b = c.balances;
  const p = c.priority;
  return (
    <>
      <p class="note">
        {c.accountNumber} · {c.region} · {c.segment} · {c.country} · {c.currency} · sales owner {c.salesOwner} · as of {day(c.asOf)} ·{" "}
        <a href={c.statementPdfUrl}>Statement PDF</a>
      </p>
      <div class="columns">
        <section aria-labelledby="bal">
          <h2 id="bal">Balances and credit</h2>
          <Facts
            items={[
              ["Total open", money(b.totalOpen)],
              ["Overdue", money(b.overdue)],
              ["Unapplied cash", money(b.unapplied)],
              ["Net balance", money(b.netBalance)],
              ["Credit limit", money(b.creditLimit)],
              ["Cover (letters of credit)", money(b.cover)],
              ["Exposure", money(b.exposure)],
              ["Over limit", b.overLimit ? "Yes" : "No"],
            ]}
          />
          <Gauge value={b.utilisation} />
          <BarChart title="Aging" bars={b.aging.buckets.map((x) => ({ label: x.label, value: Number(x.amount.amount), text: money(x.amount) }))} />
          <DataTable caption="Aging" head={["Bucket", "Open", "Invoices"]} rows={b.aging.buckets.map((x) => [x.label, money(x.amount), String(x.count)])} />
        </section>
        <section aria-labelledby="risk">
          <h2 id="risk">Risk, compliance and behaviour</h2>
          <Facts
            items={[
              ["Risk rating", c.riskRating],
              ["KYC", `${label(c.kycStatus)}; next review ${day(c.kycNextReview)}`],
              ["Onboarding", label(c.onboardingStatus)],
              ["Payment terms", `${c.paymentTermsDays} days`],
              ["Priority score", p ? number(p.score, 2) : "–"],
              ["Priority parts", p ? `weighted overdue ${money(p.weightedOverdue)}, risk weight ${number(p.riskWeight, 2)}, disputed ${money(p.disputed)}, oldest ${p.oldestDaysPastDue} d${p.brokenPromise ? ", broken promise" : ""}${p.overLimit ? ", over limit" : ""}` : "–"],
              ["Average days to pay", number(c.paymentBehaviour.averageDaysToPay)],
              ["Average days late", number(c.paymentBehaviour.averageDaysLate)],
              ["On time", percent(c.paymentBehaviour.onTimeRate)],
              ["Revenue (12 months)", money(c.profitability.revenue)],
              ["Gross margin", `${money(c.profitability.grossMargin)} (${percent(c.profitability.marginRate)})`],
              ["Growth", percent(c.profitability.growth)],
            ]}
          />
        </section>
      </div>
      {may(viewer.role, "payments.write") && (
        <section aria-labelledby="pay">
          <h2 id="pay">Record a payment</h2>
          <RecordPaymentForm customerId={c.id} done={reload} />
        </section>
      )}
      <section aria-labelledby="inv">
        <h2 id="inv">Open invoices ({c.invoices.totalCount})</h2>
        <DataTable
          caption="Open invoices, oldest due first"
          head={["Invoice", "Status", "Due", "Days past due", "Total", "Open"]}
          rows={c.invoices.edges.map(({ node: i }) => [<a href={i.pdfUrl}>{i.number}</a>, label(i.status), day(i.dueDate), String(i.daysPastDue), money(i.total), money(i.openAmount)])}
        />
      </section>
      <Collections c={c} work={work} />
      <div class="columns">
        <section aria-labelledby="disp">
          <h2 id="disp">Disputes and promises</h2>
          <DataTable caption="Open disputes" head={["Reason", "Kind", "Status", "Opened", "Amount"]} rows={c.openDisputes.map((d) => [d.reasonCode, d.kind, d.status, day(d.openedOn), money(d.amount)])} />
          <DataTable caption="Promises to pay" head={["Promised for", "Status", "Amount"]} rows={c.promisesToPay.map((x) => [day(x.promisedDate), x.status, money(x.amount)])} />
        </section>
        <section aria-labelledby="cov">
          <h2 id="cov">Cover, reviews and group</h2>
          <DataTable caption="Letters of credit and guarantees" head={["Reference", "Kind", "Bank", "Expires", "Status", "Amount"]} rows={c.lettersOfCredit.map((l) => [l.reference, l.kind, l.issuingBank, day(l.expiryDate), l.status, money(l.amount)])} />
          <DataTable caption="Credit reviews" head={["Decided", "Status", "Rating", "Approver", "Limit"]} rows={c.creditReviews.map((r) => [moment(r.decidedAt), r.status, r.rating ?? "–", r.approver, money(r.approvedLimit)])} />
          <DataTable caption="KYC reviews" head={["Reviewed", "Status", "Next review", "Reviewer"]} rows={c.kycReviews.map((r) => [day(r.reviewedOn), r.status, day(r.nextReview), r.reviewer])} />
          <DataTable caption="Intercompany balances" head={["Entity", "Direction", "As of", "Amount"]} rows={c.intercompanyBalances.map((r) => [r.counterpartyEntity, r.direction, day(r.asOf), money(r.amount)])} />
        </section>
      </div>
      <div class="columns">
        <section aria-labelledby="pays">
          <h2 id="pays">Payments</h2>
          <DataTable caption="Latest payments" head={["Received", "Method", "Reference", "Status", "Amount"]} rows={c.payments.edges.map(({ node: x }) => [day(x.receivedDate), x.method, x.reference, x.status, money(x.amount)])} />
        </section>
        <section aria-labelledby="al">
          <h2 id="al">Alerts</h2>
          <DataTable caption="Latest alerts" head={["Alert", "Rule", "Severity", "Status"]} rows={c.alerts.edges.map(({ node: a }) => [a.message, a.rule, label(a.severity), label(a.status)])} />
        </section>
      </div>
    </>
  );
}

export function Customer360({ id }: { id: string }) {
  const asOf = useAsOf();
  const state = useQuery<CustomerQuery, CustomerQueryVariables>(doc, { id, asOf });
  return (
    <>
      <Header title={state.data ? state.data.customer.name : "Customer"}>
        <AsOf />
      </Header>
      <Frame state={state}>{(data) => <Body c={data.customer} work={data} reload={state.reload} />}</Frame>
    </>
  );
}
