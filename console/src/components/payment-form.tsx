// Recording a wire, check or ACH payment for one customer: tick the open invoices it pays (or none, to
// let the API allocate oldest due first over all of them), then see where the money went.
import { useState } from "preact/hooks";
import invoicesDoc from "../operations/OpenInvoices.graphql?raw";
import recordDoc from "../operations/RecordPayment.graphql?raw";
import type {
  AllocationPlanEnum,
  ManualPaymentMethod,
  OpenInvoicesQuery,
  OpenInvoicesQueryVariables,
  RecordPaymentMutation,
  RecordPaymentMutationVariables,
} from "../gql/types";
import { request } from "../api";
import { Frame, Refusal, useSubmit } from "./ui";
import { day, money } from "../format";
import { useQuery } from "../hooks";

type Recorded = NonNullable<RecordPaymentMutation["recordPayment"]["payment"]>;
type Invoices = NonNullable<OpenInvoicesQuery["customer"]>["invoices"];
type Page = Pick<Invoices, "edges" | "pageInfo">;

function Result({ payment }: { payment: Recorded }) {
  const allocated = payment.allocations.reduce((sum, a) => sum + Number(a.amount.amount), 0);
  const rest = Number(payment.amount.amount) - allocated;
  return (
    <div class="recorded" role="status" aria-label="Payment recorded">
      <p>
        Recorded {money(payment.amount)}
        {payment.reference ? ` (${payment.reference})` : ""}
        {payment.allocations.length ? ", allocated to:" : ", not allocated to any invoice."}
      </p>
      {payment.allocations.length > 0 && (
        <ul aria-label="Allocations">
          {payment.allocations.map((a) => (
            <li key={a.invoiceId} data-allocation={a.invoiceId}>
              {a.invoiceNumber}: {money(a.amount)}
            </li>
          ))}
        </ul>
      )}
      {rest > 0.0001 && <p>Unapplied on the account: {money({ amount: String(rest), currencyCode: payment.amount.currencyCode })}</p>}
    </div>
  );
}

/** The form for one customer (its id); ``done`` runs after the API recorded the payment. */
export function RecordPaymentForm({ customerId, done }: { customerId: string; done?: () => void }) {
  const state = useQuery<OpenInvoicesQuery, OpenInvoicesQueryVariables>(invoicesDoc, { id: customerId });
  const { busy, message, submit: send } = useSubmit();
  const [chosen, setChosen] = useState<string[]>([]); // in the order ticked
  const [recorded, setRecorded] = useState<Recorded | null>(null);
  // Pages after the first, fetched on demand ("Show more"): a customer may have thousands open.
  const [later, setLater] = useState<Page[]>([]);
  const more = useSubmit();
  const showMore = (after: string) =>
    more.submit(async () => {
      const next = (await request<OpenInvoicesQuery, OpenInvoicesQueryVariables>(invoicesDoc, { id: customerId, after })).customer;
      if (next) setLater((pages) => [...pages, next.invoices]);
      return { userErrors: [] };
    });
  const toggle = (id: string, on: boolean) => setChosen((ids) => (on ? [...ids.filter((x) => x !== id), id] : ids.filter((x) => x !== id)));
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const input = {
      customerId,
      amount: String(form.get("amount")),
      currencyCode: String(form.get("currency")),
      receivedDate: String(form.get("receivedDate")),
      method: String(form.get("method")) as ManualPaymentMethod,
      reference: String(form.get("reference") ?? ""),
      invoiceIds: chosen,
      allocation: String(form.get("allocation")) as AllocationPlanEnum,
    };
    setRecorded(null);
    return send(
      async () => {
        const outcome = (await request<RecordPaymentMutation, RecordPaymentMutationVariables>(recordDoc, { input })).recordPayment;
        if (outcome.payment && outcome.userErrors.length === 0) setRecorded(outcome.payment);
        return outcome;
      },
      () => {
        (event.target as HTMLFormElement).reset();
        setChosen([]);
        setLater([]);
        state.reload();
        done?.();
      },
    );
  };
  return (
    <Frame state={state}>
      {({ customer: c }) => {
        const edges = [c.invoices, ...later].flatMap((p) => p.edges);
        const last = later.length ? later[later.length - 1].pageInfo : c.invoices.pageInfo;
        return (
          <form class="payment-form" onSubmit={submit} aria-label="Record a payment">
            <fieldset class="invoice-pick">
              <legend>Invoices this payment is for ({c.invoices.totalCount} open; none ticked: oldest due first over all)</legend>
              {edges.length === 0 ? (
                <p>No open invoices.</p>
              ) : (
                <ul>
                  {edges.map(({ node: i }) => (
                    <li key={i.id}>
                      <label>
                        <input type="checkbox" name="invoice" value={i.id} checked={chosen.includes(i.id)} onChange={(e) => toggle(i.id, (e.target as HTMLInputElement).checked)} />
                        {i.number}, due {day(i.dueDate)}, open {money(i.openAmount)}
                        {chosen.includes(i.id) && chosen.length > 1 ? ` (#${chosen.indexOf(i.id) + 1})` : ""}
                      </label>
                    </li>
                  ))}
                </ul>
              )}
              {last.hasNextPage && last.endCursor && (
                <p class="more">
                  {edges.length} of {c.invoices.totalCount} shown{" "}
                  <button type="button" disabled={more.busy} onClick={() => showMore(last.endCursor as string)}>
                    Show more invoices
                  </button>
                  <Refusal message={more.message} />
                </p>
              )}
            </fieldset>
            <div class="inline-form">
              <label>
                Amount
                <input name="amount" required inputMode="decimal" />
              </label>
              <label>
                Currency
                <input name="currency" required defaultValue={c.currency} size={4} />
              </label>
              <label>
                Received
                <input name="receivedDate" type="date" required defaultValue={c.asOf} />
              </label>
              <label>
                Method
                <select name="method">
                  <option value="WIRE">Wire</option>
                  <option value="CHECK">Check</option>
                  <option value="ACH">ACH</option>
                </select>
              </label>
              <label>
                Reference
                <input name="reference" />
              </label>
              <label>
                Allocation
                <select name="allocation">
                  <option value="OLDEST_FIRST">Oldest due first</option>
                  <option value="AS_SELECTED">In the order ticked</option>
                </select>
              </label>
              <button type="submit" disabled={busy}>
                Record payment
              </button>
              <Refusal message={message} />
            </div>
            {recorded && <Result payment={recorded} />}
          </form>
        );
      }}
    </Frame>
  );
}
