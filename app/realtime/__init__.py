"""Real-time events: what changed, published after commit, fanned out to subscribers (docs/realtime.md)."""
