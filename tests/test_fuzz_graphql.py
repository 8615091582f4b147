"""The fuzz suite: generated queries and mutations of both schemas, sent with real credentials (an
admin's API token on ``/graphql``, a signed-in contact's session on ``/portal/graphql``) to the app in
this process, over two tenants with data. Whatever a document asks, the answer is data, a GraphQL
error with a code, a userError or a 4xx: never a 500 and never "Unexpected error.".

hypothesis-graphql writes the documents from the schemas (tests.fuzz_strategies draws their values),
``derandomize`` makes every run write the same ones, and each set is written once per session and sent
to both backends: the same requests meet SQLite and PostgreSQL, and generating them (about 20 ms a
document) is paid once. ``OPERATIONS`` keeps the suite within its two minutes in CI. A failure lists
the documents that met a server error and what came back.
"""

from __future__ import annotations

import json
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings

from app.db.sql import fetch_all
from schema.common.ids import encode_id
from schema.portal.schema import build_schema as portal_schema
from schema.staff.schema import build_schema as staff_schema
from tests import input_world
from tests.fuzz_strategies import operations

#: Generated documents per schema and kind; each is sent once per backend.
OPERATIONS = {
    ("staff", "query"): 400,
    ("staff", "mutation"): 350,
    ("portal", "query"): 250,
    ("portal", "mutation"): 300,
}
#: Opaque ids of the world's rows, by table, so documents name real objects of both tenants.
KEYS = {
    "customer_account": ("Customer", "Account"),
    "invoice": ("Invoice",),
    "payment": ("Payment",),
    "dispute": ("Dispute",),
    "letter_of_credit": ("LetterOfCredit",),
}
#: Ids as a fresh world has them (every test starts from empty tables, keys restart per backend run):
#: the documents are written before any world exists, so they name keys 1 to 6 of every kind.
KNOWN_IDS = [encode_id(kind, pk) for kinds in KEYS.values() for kind in kinds for pk in range(1, 7)]
#: The contact's own account (customer A, key 1) and its invoices (keys 1 to 4), drawn more often on the
#: portal: anything else is "not found" there, rightly, but runs little.
OWN = [encode_id("Account", 1), *(encode_id("Invoice", pk) for pk in range(1, 5))]


@cache
def documents(face: str, kind: str) -> tuple[str, ...]:
    """The session's documents of one schema and kind: derandomized, so the same every run."""
    schema = (staff_schema() if face == "staff" else portal_schema())._schema
    written: list[str] = []

    @settings(
        max_examples=OPERATIONS[(face, kind)],
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(document=operations(schema, KNOWN_IDS + (OWN * 6 if face == "portal" else []), kind))
    def collect(document: str) -> None:
        written.append(document)

    collect()
    return tuple(written)


def server_errors(answer) -> list:
    """What in an answer is a server error: a 5xx, or a masked resolver error."""
    if answer.status_code >= 500:
        return [answer.text[:300]]
    try:
        body = answer.json()
    except json.JSONDecodeError:
        return []
    errors = (body.get("errors") or []) if isinstance(body, dict) else []
    return [
        e
        for e in errors
        if e.get("message") == "Unexpected error."
        or (e.get("extensions") or {}).get("code") == "internal_error"
    ]


@pytest.fixture
async def world(client, settings, scope_a, scope_b):
    world = await input_world.build(scope_a, scope_b, settings)
    # The ids the documents name are those a fresh world has: check the assumption, not just trust it.
    rows = await fetch_all("SELECT COUNT(*) AS n FROM invoice", {})
    assert rows[0]["n"] >= 5
    return world


@pytest.mark.parametrize(("face", "kind"), list(OPERATIONS), ids=[f"{f}-{k}" for f, k in OPERATIONS])
async def test_generated_documents_never_meet_a_server_error(client, world, face, kind):
    send = input_world.staff if face == "staff" else input_world.portal
    sent = documents(face, kind)
    failures = []
    for document in sent:
        answer = await send(client, world, document)
        if found := server_errors(answer):
            # backslashreplace: a generated string may hold a lone surrogate, which pytest-xdist cannot
            # carry from its worker process (the report itself would crash the run).
            report = f"{document}\n-> {answer.status_code} {found}"
            failures.append(report.encode("utf-8", "backslashreplace").decode("utf-8"))

    assert len(sent) >= OPERATIONS[(face, kind)] * 0.9, f"only {len(sent)} {face} {kind} documents"
    assert not failures, f"{len(failures)} of {len(sent)} {face} {kind} documents met a server error:\n" + (
        "\n\n".join(failures[:5])
    )
