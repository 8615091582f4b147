"""Every staff Query and Mutation field declares a permission, and every role gets exactly what the
table in ``app.auth.permissions`` (and docs/permissions.md) says, called through the real endpoint.

Adding a field without ``extensions=requires(...)`` fails here; so does a rule that lets a role through
that the table denies, or denies one it allows.
"""

from __future__ import annotations

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
)
from graphql.pyutils import Undefined

from app.auth.permissions import PERMISSIONS
from app.models.enums import StaffRole
from schema.permissions import declared_permission
from schema.staff.schema import build_schema
from tests.helpers import gql, make_token

SCHEMA = build_schema()
SCALARS = {"Int": "1", "Float": "1.5", "Boolean": "false", "Date": '"2026-01-31"'}
SCALARS |= {"DateTime": '"2026-01-31T00:00:00+00:00"', "Decimal": '"1.00"', "JSON": "{}"}


def root_fields() -> list[tuple[str, str, object]]:
    """(operation, GraphQL field name, Strawberry field) for every field of Query and Mutation."""
    found = []
    for operation, type_name in (("query", "Query"), ("mutation", "Mutation")):
        definition = SCHEMA.get_type_by_name(type_name)
        for field in definition.fields if definition else []:
            found.append((operation, SCHEMA.config.name_converter.get_graphql_name(field), field))
    return found


def literal(type_) -> str:
    """A syntactically valid value of ``type_``, filling required input fields only."""
    if isinstance(type_, GraphQLNonNull):
        return literal(type_.of_type)
    if isinstance(type_, GraphQLList):
        return f"[{literal(type_.of_type)}]"
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        required = [
            f"{name}: {literal(f.type)}"
            for name, f in type_.fields.items()
            if isinstance(f.type, GraphQLNonNull) and f.default_value is Undefined
        ]
        return "{" + ", ".join(required) + "}"
    return SCALARS.get(type_.name, '"x"')


def call(operation: str, name: str) -> str:
    root = SCHEMA._schema.query_type if operation == "query" else SCHEMA._schema.mutation_type
    field = root.fields[name]
    args = [
        f"{arg}: {literal(a.type)}"
        for arg, a in field.args.items()
        if isinstance(a.type, GraphQLNonNull) and a.default_value is Undefined
    ]
    result = field.type
    while isinstance(result, GraphQLNonNull | GraphQLList):
        result = result.of_type
    selection = ""
    if isinstance(result, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
        errors = " userErrors { code }" if "userErrors" in getattr(result, "fields", {}) else ""
        selection = f" {{ __typename{errors} }}"
    arguments = f"({', '.join(args)})" if args else ""
    return f"{operation} {{ {name}{arguments}{selection} }}"


FIELDS = root_fields()


@pytest.mark.parametrize(("operation", "name", "field"), FIELDS, ids=[f"{o}.{n}" for o, n, _ in FIELDS])
def test_every_staff_field_declares_a_known_permission(operation, name, field):
    permission = declared_permission(field)

    assert permission is not None, f"{operation} field {name!r} has no extensions=requires(...)"
    assert permission in PERMISSIONS


def test_the_permissions_doc_lists_every_permission():
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "permissions.md").read_text()

    missing = [p for p in PERMISSIONS if f"`{p}`" not in doc]
    assert missing == [], f"docs/permissions.md does not describe {missing}"


async def test_every_role_is_allowed_or_forbidden_each_field_exactly_as_the_table_says(client):
    tokens = {role: await make_token("northwind", role, name=f"matrix-{role.value}") for role in StaffRole}
    mismatches = []

    for operation, name, field in FIELDS:
        permission = declared_permission(field)
        for role, token in tokens.items():
            response = await gql(client, call(operation, name), token)
            body = response.json()
            codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
            # A service that refuses where the field allowed shows up as a userError of the payload.
            payload = (body.get("data") or {}).get(name)
            if isinstance(payload, dict):
                codes += [e["code"] for e in payload.get("userErrors") or []]
            forbidden = "forbidden" in codes
            if (role in PERMISSIONS[permission]) == forbidden:
                mismatches.append((f"{operation}.{name}", role.value, permission, codes))
            if "forbidden" in codes[: len(body.get("errors", []))]:
                # Rejected before the resolver: no partial answer.
                assert (body.get("data") or {}).get(name) is None

    assert mismatches == []
