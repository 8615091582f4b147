"""Tenancy rules: nothing of one tenant is visible to another, and a contact sees only its accounts."""

from __future__ import annotations

import dataclasses

from tortoise import Tortoise

from app.db.scoping import scoped
from app.models import TENANT_OWNED
from app.models.base import TenantOwned
from app.models.enums import ContactRole
from app.scope import PrincipalKind
from tests.tenancy_graph import build_customer_graph


async def test_every_tenant_owned_model_is_listed_and_has_a_tenant_column(db):
    registered = {model for model in Tortoise.apps["models"].values() if issubclass(model, TenantOwned)}
    assert set(TENANT_OWNED) == registered
    for model in TENANT_OWNED:
        assert "tenant_id" in model._meta.db_fields, model.__name__


async def test_every_tenant_owned_model_is_invisible_to_the_other_tenant(scope_a, scope_b):
    rows_a = await build_customer_graph(scope_a, "a1")
    rows_b = await build_customer_graph(scope_b, "b1")
    assert set(rows_a) == set(TENANT_OWNED), "the graph builder must cover every tenant-owned model"

    for model in TENANT_OWNED:
        seen_by_a = set(await scoped(model, scope_a).values_list("id", flat=True))
        seen_by_b = set(await scoped(model, scope_b).values_list("id", flat=True))
        assert seen_by_a == {rows_a[model].id}, model.__name__
        assert seen_by_b == {rows_b[model].id}, model.__name__


async def test_a_contact_scope_sees_only_its_own_accounts_and_no_tenant_wide_data(scope_a, scope_b):
    mine = await build_customer_graph(scope_a, "x1")
    others = await build_customer_graph(scope_a, "y1")
    await build_customer_graph(scope_b, "z1")
    customer_x = mine[TENANT_OWNED[1]].id  # CustomerAccount
    contact_scope = dataclasses.replace(
        scope_a,
        kind=PrincipalKind.CONTACT,
        principal="x1@customer.example",
        role=None,
        customer_ids=frozenset({customer_x}),
        contact_roles={customer_x: ContactRole.ADMIN},
    )

    for model in TENANT_OWNED:
        visible = set(await scoped(model, contact_scope).values_list("id", flat=True))
        if model.customer_path is None:
            assert visible == set(), f"{model.__name__} is not customer data and must not exist for a contact"
        else:
            assert visible == {mine[model].id}, model.__name__
            assert others[model].id not in visible
