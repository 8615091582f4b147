"""Hypothesis strategies for the GraphQL fuzz suite: generated documents of either schema whose
scalars are drawn from what reaches the edges in practice, valid and hostile alike.

hypothesis-graphql builds the documents from the schema itself (every root field, argument and input
field); the values of ``ID``, ``String`` and ``Date`` come from here, so an operation names real objects
of both tenants as often as made-up ones, and its strings are amounts, dates, currencies, email
addresses and text at and beyond every bound of docs/validation.md.
"""

from __future__ import annotations

from datetime import date

import graphql
from hypothesis import strategies as st
from hypothesis_graphql import mutations, queries

#: Values a well-behaved client sends: most strings are these, so most documents get past the edges
#: and run their resolvers (services, SQL, figures) on the world's data.
VALID = [
    "10.00",
    "0.01",
    "250.00",
    "1000",
    "2026-06-30",
    "2026-06-01",
    "USD",
    "EUR",
    "A",
    "B",
    "C",
    "DE",
    "US",
    "approved",
    "pending",
    "North",
    "Enterprise",
    "wire",
    "pricing",
    "activity",
    "open_item",
    "open",
    "paid",
    "someone@customer-a.example",
    "Customer",
    "INV-1",
    "PAY-1",
    "click-1",
    "hello",
    "Please call back.",
]
#: Values at and beyond every bound of docs/validation.md.
HOSTILE = [
    "1e5",
    "1E3",
    " 10.00 ",
    "1_000",
    "1,000.00",
    "\u0661\u0660",
    "92233720368547758.07",
    "92233720368547758.08",
    "1" + "0" * 30,
    "100000000000.00",
    "100000000000.01",
    "99999999999.999",
    "NaN",
    "Infinity",
    "-1.00",
    "0",
    "",
    " ",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-W26-1",
    "ZZQ",
    "usd",
    "AB",
    "Z",
    "nope",
    "a@x.example, b@y.example",
    "a@x.example\r\nBcc: c@y.example",
    "Ann <a@x.example>",
    "a" * 300 + "@x.example",
    "%",
    "_",
    "\\",
    "a\nb",
    "a\tb",
    "'; DROP TABLE invoice; --",
    "\u202e",
    "A" * 256,
    "B" * 9_000,
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\x7f",
    "\ud800",
]
VALID_DATES = [
    "2026-06-30",
    "2026-06-01",
    "2026-12-31",
    "2027-01-31",
    "2025-12-31",
    "1900-01-01",
    "2199-12-31",
]
HOSTILE_DATES = [
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "2200-01-01",
    "2026-02-30",
    "2026-W26-1",
    "20260630",
    "",
]


def _string(values: list[str]) -> st.SearchStrategy[graphql.StringValueNode]:
    return st.builds(graphql.StringValueNode, value=st.sampled_from(values))


def _weighted(common: st.SearchStrategy, rare: st.SearchStrategy, odds: int) -> st.SearchStrategy:
    """``common`` about ``odds`` times as often as ``rare`` (``one_of`` would pick its branches alike,
    and Hypothesis leans to the edges of an integer range: a sample of positions does neither)."""
    return st.sampled_from(range(odds + 1)).flatmap(lambda i: rare if i == odds else common)


def _int(value: int) -> graphql.IntValueNode:
    return graphql.IntValueNode(value=str(value))


def scalars(ids: list[str]) -> dict[str, st.SearchStrategy[graphql.ValueNode]]:
    """Value strategies for the scalars of both schemas; ``ids`` are real opaque ids of the world.

    A document has several arguments and one hostile value refuses all of it, so hostile values are
    rare per value (about one in seven), which leaves most documents valid."""
    printable = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))
    free_text = st.text(printable, max_size=30).map(lambda v: graphql.StringValueNode(value=v))
    strings = _weighted(st.one_of(_string(VALID), _string(VALID), free_text), _string(HOSTILE), 6)
    days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)).map(
        lambda d: graphql.StringValueNode(value=d.isoformat())
    )
    dates = _weighted(st.one_of(days, _string(VALID_DATES)), _string(HOSTILE_DATES), 8)
    opaque = _weighted(_string(ids), st.one_of(free_text, _string(["", "Q3VzdG9tZXI6MA", "x" * 70])), 5)
    small = st.integers(min_value=0, max_value=40).map(_int)
    edges = st.sampled_from([-1, 0, 101, 3661, 2**31 - 1, -(2**31)]).map(_int)
    return {"String": strings, "Date": dates, "ID": opaque, "Int": _weighted(small, edges, 6)}


def operations(schema: graphql.GraphQLSchema, ids: list[str], kind: str) -> st.SearchStrategy[str]:
    """Documents of ``kind`` ("query" or "mutation"), each on one root field of ``schema``, every root
    field alike: a document on several fields is refused whole for one bad value among them, so one
    field a document lets most of them run their resolvers."""
    build = queries if kind == "query" else mutations
    root = schema.query_type if kind == "query" else schema.mutation_type
    custom = scalars(ids)
    return st.one_of(
        *(
            build(schema, fields=[name], custom_scalars=custom, allow_null=True)
            for name in sorted(root.fields)
        )
    )
