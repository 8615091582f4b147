// Alerts: the unresolved ones by default, most severe first; acknowledge, snooze until a date, or resolve with a note.
import { useState } from "preact/hooks";
import doc from "../operations/Alerts.graphql?raw";
import ackDoc from "../operations/AcknowledgeAlert.graphql?raw";
import resolveDoc from "../operations/ResolveAlert.graphql?raw";
import snoozeDoc from "../operations/SnoozeAlert.graphql?raw";
import type {
  AcknowledgeAlertMutation,
  AlertFilter,
  AlertSeverity,
  AlertStatus,
  AlertsQuery,
  AlertsQueryVariables,
  ResolveAlertMutation,
  SnoozeAlertMutation,
  SnoozeAlertMutationVariables,
} from "../gql/types";
import { request } from "../api";
import { Action, Frame, Header, Pager, ParamSelect } from "../components/ui";
import { day, label, money } from "../format";
import { useQuery } from "../hooks";
import { may } from "../permissions";
import { useParams } from "../router";
import { useViewer } from "../session";

type AlertRow = AlertsQuery["alerts"]["edges"][number]["node"];

function Resolve({ alert, done }: { alert: AlertRow; done: () => void }) {
  const [note, setNote] = useState("");
  return (
    <span class="resolve">
      <label>
        <span class="visually-hidden">Resolution note for {alert.message}</span>
        <input value={note} placeholder="Note (optional)" onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
      </label>
      <Action
        label="Resolve"
        run={async () => (await request<ResolveAlertMutation, { id: string; note: string | null }>(resolveDoc, { id: alert.id, note: note || null })).resolveAlert}
        done={done}
      />
    </span>
  );
}

/** The tenant's date ``days`` after ``date`` (both YYYY-MM-DD, no time zone involved). */
function later(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function Snooze({ alert, today, done }: { alert: AlertRow; today: string; done: () => void }) {
  const [until, setUntil] = useState(alert.snoozedUntil ?? later(today, 7));
  return (
    <span class="resolve">
      <label>
        <span class="visually-hidden">Snooze until, for {alert.message}</span>
        <input type="date" name="snoozeUntil" value={until} min={later(today, 1)} onInput={(e) => setUntil((e.target as HTMLInputElement).value)} />
      </label>
      <Action
        label="Snooze"
        run={async () => (await request<SnoozeAlertMutation, SnoozeAlertMutationVariables>(snoozeDoc, { id: alert.id, until })).snoozeAlert}
        done={done}
      />
    </span>
  );
}

export function Alerts() {
  const viewer = useViewer();
  const [params] = useParams();
  const status = params.get("status") as AlertStatus | null;
  const severity = params.get("severity") as AlertSeverity | null;
  const filter: AlertFilter = status ? { status } : { unresolved: true };
  if (severity) filter.severity = severity;
  const state = useQuery<AlertsQuery, AlertsQueryVariables>(doc, { filter, after: params.get("after") });
  const manage = may(viewer.role, "alerts.manage");
  return (
    <>
      <Header title="Alerts">
        <ParamSelect name="status" text="Status" any="Unresolved" options={["OPEN", "ACKNOWLEDGED", "SNOOZED", "RESOLVED"]} />
        <ParamSelect name="severity" text="Severity" any="Any" options={["CRITICAL", "WARNING", "INFO"]} />
      </Header>
      <Frame state={state}>
        {(data) => (
          <>
            <ul class="totals" aria-label="Totals by rule">
              {data.alerts.totalsByRule.map((t) => (
                <li key={t.rule}>
                  {label(t.rule)}: {t.count}
                  {t.amount ? ` · ${money(t.amount)}` : ""}
                </li>
              ))}
            </ul>
            <div class="table-wrap">
              <table>
                <caption>Alerts, most severe first</caption>
                <thead>
                  <tr>
                    <th scope="col">Alert</th>
                    <th scope="col">Customer</th>
                    <th scope="col">Severity</th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">Amount</th>
                    <th scope="col" class="num">Days overdue</th>
                    {manage && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {data.alerts.edges.map(({ node: a }) => (
                    <tr key={a.id} data-alert={a.id}>
                      <th scope="row">{a.message}</th>
                      <td>{a.customer ? <a href={`/console/customers/${encodeURIComponent(a.customer.id)}`}>{a.customer.name}</a> : "–"}</td>
                      <td>
                        <span class={`sev sev-${a.severity.toLowerCase()}`}>{label(a.severity)}</span>
                      </td>
                      <td class="status">
                        {label(a.status)}
                        {a.status === "SNOOZED" && a.snoozedUntil ? ` until ${day(a.snoozedUntil)}` : a.acknowledgedBy ? ` by ${a.acknowledgedBy}` : ""}
                      </td>
                      <td class="num">{money(a.amount)}</td>
                      <td class="num">{a.daysOverdue ?? "–"}</td>
                      {manage && (
                        <td class="actions">
                          {a.status === "OPEN" && (
                            <Action label="Acknowledge" run={async () => (await request<AcknowledgeAlertMutation, { id: string }>(ackDoc, { id: a.id })).acknowledgeAlert} done={state.reload} />
                          )}
                          {a.status !== "RESOLVED" && <Snooze alert={a} today={viewer.tenant.today} done={state.reload} />}
                          {a.status !== "RESOLVED" && <Resolve alert={a} done={state.reload} />}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager total={data.alerts.totalCount} endCursor={data.alerts.pageInfo.endCursor} hasNext={data.alerts.pageInfo.hasNextPage} />
          </>
        )}
      </Frame>
    </>
  );
}
