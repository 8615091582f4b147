"""Only repositories query tenant-owned models, so every query passes the tenancy choke point.

The check reads the source (AST) of ``app/`` and ``schema/``: outside ``repository.py`` files and
``repositories/`` folders, calling a query method on a tenant-owned model class, or importing the scoping
functions, fails the build with the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

from app.models import TENANT_OWNED

ROOT = Path(__file__).resolve().parent.parent
MODEL_NAMES = {m.__name__ for m in TENANT_OWNED}
QUERY_METHODS = {
    "all",
    "annotate",
    "bulk_create",
    "bulk_update",
    "count",
    "create",
    "exclude",
    "exists",
    "filter",
    "first",
    "get",
    "get_or_create",
    "get_or_none",
    "in_bulk",
    "only",
    "prefetch_related",
    "raw",
    "select_for_update",
    "select_related",
    "update_or_create",
    "values",
    "values_list",
}
SCOPING_MODULE = "app.db.scoping"


def is_repository(path: Path) -> bool:
    return path.name == "repository.py" or "repositories" in path.parts or path == ROOT / "app/db/scoping.py"


def violations_in(source: str, filename: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERY_METHODS
        ):
            target = node.func.value
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", None)
            if name in MODEL_NAMES:
                found.append(f"{filename}:{node.lineno}: {name}.{node.func.attr}(...) outside a repository")
        if isinstance(node, ast.ImportFrom) and node.module == SCOPING_MODULE:
            found.append(f"{filename}:{node.lineno}: imports {SCOPING_MODULE} outside a repository")
    return found


def scanned_files() -> list[Path]:
    files = []
    for top in ("app", "schema"):
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if rel.parts[:2] in {("app", "models"), ("app", "migrations")} or is_repository(path):
                continue
            files.append(path)
    return files


def test_no_module_outside_the_repositories_queries_a_tenant_owned_model():
    problems = []
    for path in scanned_files():
        problems += violations_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))

    assert problems == []


def test_the_check_catches_a_direct_query_and_a_scoping_import():
    source = (
        "from app.db.scoping import scoped\n"
        "from app import models as m\n"
        "async def f(scope):\n"
        "    await Invoice.filter(id=1)\n"
        "    await m.Payment.get_or_none(id=2)\n"
        "    await Tenant.get(id=1)\n"  # the tenant table is not tenant-owned
    )

    assert violations_in(source, "svc.py") == [
        "svc.py:1: imports app.db.scoping outside a repository",
        "svc.py:4: Invoice.filter(...) outside a repository",
        "svc.py:5: Payment.get_or_none(...) outside a repository",
    ]


def test_the_scan_covers_services_and_schema():
    scanned = {str(p.relative_to(ROOT)) for p in scanned_files()}

    assert "app/auth/tokens.py" in scanned and "schema/staff/viewer.py" in scanned
    assert "app/auth/repository.py" not in scanned


def _tenant_relations() -> set[str]:
    """Names of the foreign keys (on any tenant-owned model) to a tenant-owned model: the ORM joins them
    on the id alone. Read from the fields' ``"models.X"`` references, without initialising Tortoise."""
    names = set()
    for model in TENANT_OWNED:
        for name, field in model._meta.fields_map.items():
            target = getattr(field, "model_name", None)
            if isinstance(target, str) and target.removeprefix("models.") in MODEL_NAMES:
                names.add(name)
    return names


def unscoped_joins_in(source: str, filename: str, relations: set[str]) -> list[str]:
    """``.select_related("customer")`` on a tenant-owned relation: it joins that table on its id alone,
    which Citus cannot route (docs/scaling.md, "Queries"); ``scoping.joined`` filters it by the tenant."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "select_related"
        ):
            named = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            for name in named:
                if name.split("__")[0] in relations:
                    found.append(f"{filename}:{node.lineno}: select_related({name!r}); use scoping.joined")
    return found


def test_every_join_to_a_tenant_owned_relation_goes_through_scoping_joined():
    relations = _tenant_relations()
    assert {"customer", "invoice", "payment", "endpoint"} <= relations
    assert "user" not in relations and "tenant" not in relations  # global tables: a plain join is fine
    problems = []
    for top in ("app", "schema"):
        for path in (ROOT / top).rglob("*.py"):
            if path == ROOT / "app/db/scoping.py":
                continue
            problems += unscoped_joins_in(
                path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)), relations
            )

    assert problems == []
    caught = unscoped_joins_in('q.select_related("customer")\nq.select_related("user")', "r.py", relations)
    assert caught == ["r.py:1: select_related('customer'); use scoping.joined"]
