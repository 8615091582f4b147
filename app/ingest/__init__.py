"""ERP ingest: one batch format (JSON or CSV) in and out, validated whole, written in one transaction."""
