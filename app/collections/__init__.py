"""Collections: the worklist of customers to chase, ranked by the priority score."""
