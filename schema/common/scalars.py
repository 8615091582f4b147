"""The ``Date`` scalar of both schemas, read by ``app.inputs.dates``: ISO ``YYYY-MM-DD`` from
1900-01-01 to 2199-12-31.

Strawberry's own ``Date`` takes whatever ``date.fromisoformat`` takes (year 1 to 9999, week dates,
compact forms), and an ``asOf`` of ``0001-01-01`` overflowed the period arithmetic into a 500. Overriding
the scalar puts the bound on every ``Date`` argument and input field at once, variables and literals
alike, so no resolver can forget it. A refusal carries ``extensions.code`` (``invalid_date`` or
``date_out_of_range``; ``schema.errors`` finds the code under graphql-core's wrapping).
"""

from __future__ import annotations

import datetime

import strawberry

from app.inputs.dates import parse_date


def _serialize(value: datetime.date) -> str:
    return value.isoformat()


BoundedDate = strawberry.scalar(
    name="Date",
    description="Date (isoformat)",
    serialize=_serialize,
    parse_value=lambda value: parse_date(value, "date"),
)

#: For ``strawberry.Schema(scalar_overrides=...)`` of both schemas.
SCALAR_OVERRIDES = {datetime.date: BoundedDate}
