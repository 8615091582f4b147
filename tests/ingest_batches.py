"""Batches shared by the ingest tests: the metrics.md worked example and small variations of it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

WORKED_EXAMPLE = Path(__file__).parent / "data" / "worked_example.json"


def worked_example() -> dict[str, list[dict[str, Any]]]:
    """A fresh copy of tests/data/worked_example.json (customer A, INV-1..3, CN-1, two payments, a rate)."""
    return json.loads(WORKED_EXAMPLE.read_text(encoding="utf-8"))


def with_everything() -> dict[str, list[dict[str, Any]]]:
    """The worked example plus one record of every other type, for round trips."""
    batch = worked_example()
    # INV-4 (EUR) is issued on 2026-06-05: a document in a foreign currency needs a rate by its date.
    batch["fxRates"].insert(0, {"currency": "EUR", "date": "2026-06-01", "rate": "1.07"})
    # The round trips import this into cloudly too, whose base is EUR: its USD documents need a rate.
    batch["fxRates"].append({"currency": "USD", "date": "2026-01-01", "rate": "0.93"})
    batch["customers"].append(
        {"externalId": "B", "accountNumber": "ACC-B", "name": "Customer B", "currency": "EUR", "parent": "A"}
    )
    batch["invoices"].append(
        {
            "externalId": "INV-4",
            "number": "INV-4",
            "customer": "B",
            "issueDate": "2026-06-05",
            "dueDate": "2026-07-05",
            "currency": "EUR",
            "lines": [
                {
                    "description": "Fuses",
                    "quantity": "2.5",
                    "unitPrice": "3.33",
                    "taxAmount": "1.58",
                    "cost": "5.10",
                },
                {"description": "Freight", "unitPrice": "12.00"},
            ],
        }
    )
    batch["writeOffs"] = [
        {
            "externalId": "WO-1",
            "invoice": "INV-4",
            "date": "2026-06-30",
            "amount": "1.00",
            "reason": "rounding",
        }
    ]
    batch["disputes"] = [
        {
            "externalId": "D-1",
            "customer": "A",
            "invoice": "INV-2",
            "amount": "100.00",
            "currency": "USD",
            "reasonCode": "pricing",
            "openedOn": "2026-06-12",
        }
    ]
    batch["lettersOfCredit"] = [
        {
            "externalId": "LC-1",
            "customer": "B",
            "amount": "5000.00",
            "currency": "EUR",
            "issuingBank": "BNP Paribas",
            "expiryDate": "2026-07-15",
        }
    ]
    batch["intercompanyBalances"] = [
        {
            "externalId": "IC-1",
            "counterpartyEntity": "Northwind GmbH",
            "direction": "due_from",
            "amount": "250000.00",
            "currency": "USD",
            "asOf": "2026-06-30",
        }
    ]
    return copy.deepcopy(batch)


def in_euro_tenant(batch: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """``batch`` as cloudly (base EUR) may import it: its USD documents need a USD rate by their dates."""
    batch.setdefault("fxRates", []).append({"currency": "USD", "date": "2026-01-01", "rate": "0.93"})
    return batch
