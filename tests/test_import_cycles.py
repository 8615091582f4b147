"""No two modules of app/ or schema/ depend on each other, directly or round a longer loop.

The graph is read from the source files with ``ast``, not from what Python happened to import, and it
counts every import: one deferred into a function body still makes the two modules one tangle (it only
hides the loop from the interpreter until the function runs), so a loop is broken by moving what both
need into a module of its own, never by importing later.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "schema")


def module_files(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Dotted module name -> source file, for every module of the packages (a package is its __init__)."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _ours(name: str, modules: dict[str, Path]) -> str | None:
    """The module of ours that ``name`` (a module, or a name inside one) lives in, if any."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """Every dotted name an import statement asks for, relative imports resolved against ``module``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, *([node.module] if node.module else [])])
    # ``from app.documents import render`` names a module; ``from app.money import to_minor`` a function.
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def import_graph(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, set[str]]:
    """module -> the modules of ours it imports (importing ``a.b.c`` also runs ``a`` and ``a.b``)."""
    modules = module_files(root, packages)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        own_packages = {module, *_ancestors(module)}
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = _imported(node, module, is_package)
            if isinstance(node, ast.ImportFrom):
                # The module a ``from`` names; a name inside it only adds itself when it is a submodule.
                names = [n for n in names[:-1] if n in modules] or names[-1:]
            for name in names:
                target = _ours(name, modules)
                if target:
                    targets |= {target, *(a for a in _ancestors(target) if a in modules)}
        graph[module] = targets - own_packages
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_given_the_whole_tree_then_no_modules_import_each_other():
    found = cycles(import_graph())

    assert not found, "modules that import each other (move what both need into its own module):\n" + (
        "\n".join(" <-> ".join(group) for group in found)
    )


def test_given_a_loop_of_three_then_it_is_one_group_and_what_only_leads_into_it_is_not():
    graph = {"app.a": {"app.b"}, "app.b": {"app.c"}, "app.c": {"app.a"}, "app.d": {"app.a"}}

    assert cycles(graph) == [["app.a", "app.b", "app.c"]]


def test_given_an_import_deferred_into_a_function_then_the_graph_still_counts_it(tmp_path):
    package = tmp_path / "app"
    (package / "documents").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "documents" / "__init__.py").write_text("")
    (package / "documents" / "render.py").write_text("from app.documents import pool\n")
    (package / "documents" / "pool.py").write_text(
        "def start():\n    from . import render\n    return render\n"
    )
    (package / "money.py").write_text("from app.documents.render import html\n")

    graph = import_graph(tmp_path, ("app",))

    assert graph["app.money"] == {"app.documents", "app.documents.render"}
    assert cycles(graph) == [["app.documents.pool", "app.documents.render"]]
