"""The print queue of dunning letters in the staff API (app/collections/letters.py): ``dunningLetters``,
the print file's URL, and ``markDunningLettersPrinted``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.collections import letters
from app.documents.urls import dunning_letters_url
from app.errors import LedgerportError
from schema.common.connections import Connection, connection_of, page_of
from schema.common.ids import decode_id
from schema.errors import UserError, user_errors_from
from schema.permissions import requires
from schema.staff.dunning import DunningMessageNode, message_node


@strawberry.input
class MarkDunningLettersPrintedInput:
    ids: list[strawberry.ID] = strawberry.field(description="The letters printed and posted (at most 200).")


@strawberry.type
class MarkDunningLettersPrintedPayload:
    letters: list[DunningMessageNode]
    user_errors: list[UserError]


@strawberry.type
class DunningLettersQuery:
    @strawberry.field(
        extensions=requires("ar.read"),
        description="Dunning letters to print (printed: false, oldest first) or printed (latest first).",
    )
    async def dunning_letters(
        self, info: Info, printed: bool = False, first: int | None = None, after: str | None = None
    ) -> Connection[DunningMessageNode]:
        ctx = info.context
        page = page_of(first, after, ctx.settings.max_page_size)
        rows, total = await letters.queue(ctx.scope, printed=printed, offset=page.offset, limit=page.limit)
        return connection_of(rows, page, total, message_node)

    @strawberry.field(
        extensions=requires("ar.read"),
        description="Where the letters named (default: the oldest 200 queued) download as one PDF to print.",
    )
    def dunning_letters_pdf_url(self, ids: list[strawberry.ID] | None = None) -> str:
        return dunning_letters_url([decode_id("DunningMessage", i) for i in ids] if ids else None)


@strawberry.type
class DunningLettersMutation:
    @strawberry.mutation(
        extensions=requires("collections.act"),
        description="Mark letters printed (whole or nothing; one already marked keeps its first marking).",
    )
    async def mark_dunning_letters_printed(
        self, info: Info, input: MarkDunningLettersPrintedInput
    ) -> MarkDunningLettersPrintedPayload:
        try:
            ids = [decode_id("DunningMessage", i) for i in input.ids]
            marked = await letters.mark_printed(info.context.scope, ids)
        except LedgerportError as exc:
            return MarkDunningLettersPrintedPayload(letters=[], user_errors=user_errors_from(exc))
        return MarkDunningLettersPrintedPayload(letters=[message_node(m) for m in marked], user_errors=[])
