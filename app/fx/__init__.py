"""Exchange rates to the tenant's base currency and the conversion rule of metrics.md."""
