"""Reports: the CSV and XLSX exports' rows and writers, and the management pack (docs/reports.md)."""
