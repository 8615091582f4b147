"""EN 16931 e-invoices: Factur-X (CII inside a PDF/A-3) and XRechnung UBL (docs/e-invoicing.md)."""
