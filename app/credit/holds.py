"""Which customer accounts are on credit hold.

The one read every other domain uses (dunning skips held customers, the worklist and the portal show the hold),
so "held" means the same everywhere: the account has at least one hold that nobody has released.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.credit import repository
from app.scope import Scope


async def held_customer_ids(scope: Scope, customer_ids: Iterable[int] | None = None) -> set[int]:
    """The ids among ``customer_ids`` (every customer the scope sees when ``None``) with an unreleased hold."""
    return await repository.held_customer_ids(scope, customer_ids)
