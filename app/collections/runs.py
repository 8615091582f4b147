"""Reading dunning runs back: the list, one run, and what each sent and skipped (for the staff API).

Reading is ``ar.read`` (every staff role sees what was sent to whom); another tenant's run is not found.
Messages and skips are fetched for many runs at once, so a page of runs costs two queries, not two a run.
"""

from __future__ import annotations

from app.auth.permissions import require
from app.collections import repository
from app.errors import NotFound
from app.models import DunningMessage, DunningPause, DunningRun, DunningSkip
from app.scope import Scope


async def list_runs(scope: Scope, offset: int, limit: int) -> tuple[list[DunningRun], int]:
    """Newest first."""
    require(scope, "ar.read")
    return await repository.runs(scope, offset, limit)


async def get_run(scope: Scope, run_id: int) -> DunningRun:
    require(scope, "ar.read")
    found = await repository.run(scope, run_id)
    if found is None:
        raise NotFound("dunning run not found", field="id")
    return found


async def messages_of(scope: Scope, run_ids: list[int]) -> dict[int, list[DunningMessage]]:
    require(scope, "ar.read")
    out: dict[int, list[DunningMessage]] = {}
    for message in await repository.messages_of_runs(scope, run_ids):
        out.setdefault(message.run_id, []).append(message)
    return out


async def skips_of(scope: Scope, run_ids: list[int]) -> dict[int, list[DunningSkip]]:
    require(scope, "ar.read")
    out: dict[int, list[DunningSkip]] = {}
    for skip in await repository.skips_of_runs(scope, run_ids):
        out.setdefault(skip.run_id, []).append(skip)
    return out


async def pauses_of(scope: Scope, customer_ids: list[int]) -> dict[int, list[DunningPause]]:
    """Every pause of these customers, newest first (resumed ones too: the record stays)."""
    require(scope, "ar.read")
    out: dict[int, list[DunningPause]] = {}
    for pause in await repository.pauses_of_customers(scope, customer_ids):
        out.setdefault(pause.customer_id, []).append(pause)
    return out


async def customer_names(scope: Scope, customer_ids: list[int]) -> dict[int, str]:
    """The legal names of the customers a page of messages is about (one query a page)."""
    require(scope, "ar.read")
    return {cid: row["legal_name"] for cid, row in (await repository.customers(scope, customer_ids)).items()}
