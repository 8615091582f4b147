"""The HTTP faces of Ledgerport: one Starlette app (routes, middleware, pages)."""
