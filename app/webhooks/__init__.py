"""Outbound webhooks: endpoints, the event catalogue, signed delivery with retries (docs/webhooks.md)."""
