"""The money rules of a batch: payments, credit notes and write-offs resolved against their invoices
(references, dates, currencies), and no invoice left with more paid, credited and written off than its
total, counting stored settlements that the batch does not replace.

``SettlementRules`` is a part of the batch checker (app.ingest.validation) and uses its bookkeeping
(``problem``, ``unique_records``, ``customer``, ``id_of``, ``resolved``).
"""

from __future__ import annotations

from collections import defaultdict

from app.ingest.fields import minor_units
from app.ingest.records import Record
from app.ingest.resolved import SETTLING, InvoiceFacts, Row
from app.ingest.tables import TABLES
from app.inputs.money import ceiling, within_ceiling
from app.money import exponent, format_decimal_string


class SettlementRules:
    def settling(self, facts: dict[str, InvoiceFacts]) -> None:
        """Payments, credit notes and write-offs: references, dates, currencies and what stays open."""
        new_settled: dict[str, int] = defaultdict(int)
        # Who settles each invoice in this batch, to name them when it would be over-settled.
        settlers: dict[str, list[tuple[str, Record, str]]] = defaultdict(list)
        replaced: dict[int, int] = defaultdict(int)
        for record_type, list_field in SETTLING.items():
            records = self.unique_records(record_type)
            if record_type == "creditNotes":
                self.unique_column(record_type, records, "number", "number", "duplicate_number")
            children = self.stored.children.get(record_type, {})
            date_field = "date" if record_type == "creditNotes" else "received_date"
            rows = []
            for r in records:
                customer_id = self.customer(record_type, r)
                stored_row = self.stored.of(record_type).get(r["external_id"])
                if stored_row is not None:
                    for invoice_id, amount, _ in children.get(stored_row["id"], []):
                        replaced[invoice_id] += amount
                items = []
                for invoice_ref, amount, day, position in r["settlements"]:
                    where = f"{list_field}[{position}]"
                    invoice = facts.get(invoice_ref)
                    if invoice is None:
                        self.problem(
                            record_type,
                            r,
                            f"{where}.invoice",
                            "unknown_invoice",
                            f"no invoice with externalId {invoice_ref!r}",
                        )
                        continue
                    self.check_against_invoice(record_type, r, where, invoice, customer_id, r["currency"])
                    if invoice.issue_date and day < invoice.issue_date:
                        self.problem(
                            record_type,
                            r,
                            f"{where}.date",
                            "date_before_issue",
                            f"dated {day}, before the invoice was issued ({invoice.issue_date})",
                        )
                    if r[date_field] and day < r[date_field]:
                        self.problem(
                            record_type,
                            r,
                            f"{where}.date",
                            "date_before_document",
                            f"dated {day}, before the {record_type[:-1]} itself ({r[date_field]})",
                        )
                    new_settled[invoice_ref] += amount
                    settlers[invoice_ref].append((record_type, r, f"{where}.amount"))
                    items.append((invoice.id, amount, day))
                if r["amount"] is not None and sum(i[1] for i in items) > r["amount"]:
                    self.problem(
                        record_type,
                        r,
                        list_field,
                        "over_allocated",
                        f"{list_field} add up to more than the amount",
                    )
                values = tuple(
                    r[c] if c != "customer_id" else customer_id for c in TABLES[record_type].columns
                )
                rows.append(
                    Row(
                        r["external_id"],
                        self.id_of(record_type, r["external_id"]),
                        values,
                        items,
                    )
                )
            self.resolved.rows[record_type] = rows
        rows = []
        for r in self.unique_records("writeOffs"):
            stored_row = self.stored.of("writeOffs").get(r["external_id"])
            if stored_row is not None:
                replaced[stored_row["invoice_id"]] += stored_row["amount"]
            invoice = facts.get(r["invoice_ref"]) if r["invoice_ref"] else None
            if invoice is None:
                if r["invoice_ref"]:
                    self.problem(
                        "writeOffs",
                        r,
                        "invoice",
                        "unknown_invoice",
                        f"no invoice with externalId {r['invoice_ref']!r}",
                    )
                continue
            if r["date"] and invoice.issue_date and r["date"] < invoice.issue_date:
                self.problem(
                    "writeOffs",
                    r,
                    "date",
                    "date_before_issue",
                    f"dated {r['date']}, before the invoice was issued ({invoice.issue_date})",
                )
            amount = None
            if r["amount_decimal"] is not None and invoice.currency:
                amount = minor_units(r["amount_decimal"], invoice.currency)
                if amount is not None and not within_ceiling(amount):
                    self.problem(
                        "writeOffs",
                        r,
                        "amount",
                        "amount_out_of_range",
                        f"amount is beyond the largest amount accepted "
                        f"({ceiling(invoice.currency)} {invoice.currency})",
                    )
                    continue
                if amount is None:
                    self.problem(
                        "writeOffs",
                        r,
                        "amount",
                        "invalid_decimal",
                        f"amount has more decimals than {invoice.currency} allows "
                        f"({exponent(invoice.currency)})",
                    )
            if amount is None:
                continue
            new_settled[r["invoice_ref"]] += amount
            settlers[r["invoice_ref"]].append(("writeOffs", r, "amount"))
            values = (r["external_id"], invoice.id, r["date"], amount, r["reason"])
            rows.append(Row(r["external_id"], self.id_of("writeOffs", r["external_id"]), values, None))
        self.resolved.rows["writeOffs"] = rows
        self.open_amounts(facts, new_settled, settlers, replaced)

    def check_against_invoice(
        self,
        record_type: str,
        r: Record,
        where: str,
        invoice: InvoiceFacts,
        customer_id: int | None,
        currency: str | None,
    ) -> None:
        if customer_id is not None and invoice.customer_id is not None and invoice.customer_id != customer_id:
            self.problem(
                record_type,
                r,
                f"{where}.invoice" if where else "invoice",
                "other_customer_invoice",
                "the invoice belongs to another customer",
            )
        if currency and invoice.currency and currency != invoice.currency:
            self.problem(
                record_type,
                r,
                f"{where}.invoice" if where else "invoice",
                "currency_mismatch",
                f"the invoice is in {invoice.currency}, this is in {currency}",
            )

    def open_amounts(
        self,
        facts: dict[str, InvoiceFacts],
        new_settled: dict[str, int],
        settlers: dict[str, list[tuple[str, Record, str]]],
        replaced: dict[int, int],
    ) -> None:
        """No invoice may end up with more paid, credited and written off than its total."""
        in_batch = self.first.get("invoices", {})
        for ext in set(new_settled) | set(in_batch):
            invoice = facts[ext]
            kept = (
                self.stored.settled.get(invoice.id, 0) - replaced.get(invoice.id, 0) if invoice.stored else 0
            )
            record = in_batch.get(ext)
            if record is not None and invoice.stored and kept:
                before = self.stored.of("invoices").get(ext)
                if before and (before["customer_id"], before["currency"]) != (
                    invoice.customer_id,
                    invoice.currency,
                ):
                    self.problem(
                        "invoices",
                        record,
                        "customer",
                        "settled_invoice_changed",
                        "an invoice with payments, credits or write-offs cannot change customer or currency",
                    )
            if kept + new_settled.get(ext, 0) <= invoice.total:
                continue
            if record is not None and kept > invoice.total:
                self.problem(
                    "invoices",
                    record,
                    "total",
                    "total_below_settled",
                    f"the total would be below the {_money(kept, invoice)} already paid, credited or written off",
                )
                continue
            for record_type, settler, where in settlers.get(ext, []):
                self.problem(
                    record_type,
                    settler,
                    where,
                    "amount_over_open",
                    f"invoice {ext!r} has {_money(invoice.total - kept, invoice)} open, "
                    f"the batch settles {_money(new_settled[ext], invoice)}",
                )


def _money(minor: int, invoice: InvoiceFacts) -> str:
    return (
        f"{format_decimal_string(minor, invoice.currency)} {invoice.currency}"
        if invoice.currency
        else str(minor)
    )
