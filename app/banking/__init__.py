"""Cash application: bank statements in (camt.053/054, MT940, CSV), matched to customers and invoices,
posted through the payment service or queued for a person (docs/cash-application.md)."""
