"""Durable background jobs: enqueued with the change that causes them, retried, scheduled (docs/jobs.md)."""
