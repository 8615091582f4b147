"""What an operator scrapes and traces: Prometheus metrics (``/metrics``) and OpenTelemetry spans."""
