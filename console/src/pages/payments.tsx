// Payments and refunds, newest first; record a wire, check or ACH payment against a customer's chosen
// invoices, refund a card payment.
import { useState } from "preact/hooks";
import doc from "../operations/Payments.graphql?raw";
import customersDoc from "../operations/PaymentCustomers.graphql?raw";
import refundDoc from "../operations/RefundPayment.graphql?raw";
import type {
  PaymentCustomersQuery,
  PaymentCustomersQueryVariables,
  PaymentStatus,
  PaymentsQuery,
  PaymentsQueryVariables,
  RefundPaymentMutation,
} from "../gql/types";
import { request } from "../api";
import { RecordPaymentForm } from "../components/payment-form";
import { Action, Frame, Header, Pager, ParamSelect } from "../components/ui";
import { day, label, money } from "../format";
import { useQuery } from "../hooks";
import { may } from "../permissions";
import { useParams } from "../router";
import { useViewer } from "../session";

type P = PaymentsQuery["payments"]["edges"][number]["node"];

function Refund({ payment, done }: { payment: P; done: () => void }) {
  const [amount, setAmount] = useState("");
  return (
    <span class="resolve">
      <label>
        <span class="visually-hidden">Amount to refund of {payment.reference || payment.id}</span>
        <input value={amount} size={8} placeholder="All" inputMode="decimal" onInput={(e) => setAmount((e.target as HTMLInputElement).value)} />
      </label>
      <Action label="Refund" run={async () => (await request<RefundPaymentMutation, object>(refundDoc, { id: payment.id, amount: amount || null })).refundPayment} done={done} />
    </span>
  );
}

/** Pick the customer (search by name or account number), then record the payment against its invoices. */
function Record({ done }: { done: () => void }) {
  const [search, setSearch] = useState("");
  const [customerId, setCustomerId] = useState("");
  const found = useQuery<PaymentCustomersQuery, PaymentCustomersQueryVariables>(customersDoc, { search: search || null });
  const options = found.data?.customers.edges ?? [];
  return (
    <section aria-labelledby="record" class="record-payment">
      <h2 id="record">Record a payment</h2>
      <div class="inline-form">
        <label>
          Find customer
          <input type="search" name="customerSearch" value={search} placeholder="Name or account number" onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Customer
          <select name="customer" value={customerId} onChange={(e) => setCustomerId((e.target as HTMLSelectElement).value)}>
            <option value="">Choose…</option>
            {options.map(({ node: c }) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.accountNumber}, {c.currency})
              </option>
            ))}
          </select>
        </label>
        {found.data && found.data.customers.totalCount > options.length && (
          <span class="note">
            {options.length} of {found.data.customers.totalCount} shown: narrow the search
          </span>
        )}
      </div>
      {customerId && <RecordPaymentForm key={customerId} customerId={customerId} done={done} />}
    </section>
  );
}

export function Payments() {
  const viewer = useViewer();
  const [params] = useParams();
  const status = params.get("status") as PaymentStatus | null;
  const state = useQuery<PaymentsQuery, PaymentsQueryVariables>(doc, { filter: status ? { status } : null, after: params.get("after") });
  const write = may(viewer.role, "payments.write");
  return (
    <>
      <Header title="Payments">
        <ParamSelect name="status" text="Status" any="Any" options={["PENDING", "SUCCEEDED", "FAILED", "REFUNDED"]} />
      </Header>
      {write && <Record done={state.reload} />}
      <Frame state={state}>
        {(data) => (
          <>
            <div class="table-wrap">
              <table>
                <caption>Payments and refunds, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Received</th>
                    <th scope="col">Customer</th>
                    <th scope="col">Method</th>
                    <th scope="col">Reference</th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">Amount</th>
                    <th scope="col" class="num">Refunded</th>
                    <th scope="col">Allocated to</th>
                    {write && <th scope="col">Refund</th>}
                  </tr>
                </thead>
                <tbody>
                  {data.payments.edges.map(({ node: p }) => (
                    <tr key={p.id}>
                      <th scope="row">{day(p.receivedDate)}</th>
                      <td>
                        <a href={`/console/customers/${encodeURIComponent(p.customerId)}`}>customer</a>
                      </td>
                      <td>{label(p.method)}</td>
                      <td>{p.reference || "–"}</td>
                      <td>{label(p.status)}{p.refundOf ? " (refund)" : ""}</td>
                      <td class="num">{money(p.amount)}</td>
                      <td class="num">{money(p.refunded)}</td>
                      <td>{p.allocations.map((a) => `${a.invoiceNumber} ${money(a.amount)}`).join(", ") || "unapplied"}</td>
                      {write && <td>{p.method === "card" && p.status === "SUCCEEDED" && !p.refundOf ? <Refund payment={p} done={state.reload} /> : "–"}</td>}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager total={data.payments.totalCount} endCursor={data.payments.pageInfo.endCursor} hasNext={data.payments.pageInfo.hasNextPage} />
          </>
        )}
      </Frame>
    </>
  );
}
