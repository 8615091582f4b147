"""The print queue of dunning letters: a ``letter`` step's message waits here until staff print and post it.

A run stores a letter step's message like any other (its lines, totals and pay link) and sends nothing;
the letter is the message's PDF (``app.documents.dunning_letter``). Staff list the queue
(``dunningLetters(printed: false)``), download the letters as one PDF to print in one go
(``/documents/dunning-letters.pdf``, the queue or the ids given, oldest first), and mark what they posted
(``markDunningLettersPrinted``). Marking is whole or nothing (an id that is not a letter of the tenant
refuses the lot) and applies once: a letter already marked keeps who printed it first and when.
"""

from __future__ import annotations

from app import clock
from app.audit import service as audit
from app.auth.permissions import require
from app.collections.repositories import letters as repository
from app.errors import NotFound, ValidationFailed
from app.models import DunningMessage
from app.scope import Scope

#: Letters in one print file at most; a bigger queue is printed in several goes, oldest first.
MAX_BATCH = 200


async def queue(scope: Scope, *, printed: bool, offset: int, limit: int) -> tuple[list[DunningMessage], int]:
    """Letters waiting to be printed (oldest first), or those printed (latest printed first)."""
    require(scope, "ar.read")
    return await repository.page(scope, printed=printed, offset=offset, limit=limit)


async def for_print(scope: Scope, ids: list[int] | None) -> list[DunningMessage]:
    """The letters of one print file: ``ids`` (all of them the tenant's letters), else the queue's oldest."""
    require(scope, "ar.read")
    if ids is None:
        return await repository.oldest_queued(scope, MAX_BATCH)
    return await _named(scope, ids)


async def mark_printed(scope: Scope, ids: list[int]) -> list[DunningMessage]:
    """Mark these letters printed now by the caller; those already marked keep their first marking."""
    require(scope, "collections.act")
    letters = await _named(scope, ids)
    fresh = [m.id for m in letters if m.printed_at is None]
    if fresh:
        await repository.mark_printed(scope, fresh, clock.now(), scope.principal)
        await audit.record(
            scope, "dunning.letters_printed", target_type="DunningMessage", details={"ids": fresh}
        )
    return await _named(scope, ids)


async def _named(scope: Scope, ids: list[int]) -> list[DunningMessage]:
    if not ids:
        raise ValidationFailed("name at least one letter", field="ids")
    if len(ids) > MAX_BATCH:
        raise ValidationFailed(f"at most {MAX_BATCH} letters at once", field="ids")
    found = await repository.by_ids(scope, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"{len(missing)} of the letters named are not letters of this tenant", field="ids")
    return [found[i] for i in dict.fromkeys(ids)]
