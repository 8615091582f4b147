"""The one approvals engine: requests routed by the tenant's thresholds, four eyes, final decisions."""
