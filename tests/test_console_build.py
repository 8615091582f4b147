"""The console's build holds its promises: its generated types are those of the committed SDL, its
operations type-check against them, and its bundle stays within the budget stated in docs/console.md.

``graphql-codegen --check`` regenerates the types from ``schema/staff.graphql`` and the operations in
``console/src/operations`` in memory and fails when the committed ``console/src/gql/types.ts`` differs (an
SDL change without ``npm run console:codegen``), and also when an operation names a field the schema does
not have. ``tsc`` then fails when a page uses a field its operation does not ask for.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess

from tests.browser import ROOT
from tests.conftest import require_or_skip

BIN = ROOT / "node_modules" / ".bin"
DIST = ROOT / "console" / "dist"
#: The budget (docs/console.md): all JavaScript of the console, raw and gzip-compressed, and its CSS.
JS_BUDGET = 120_000
JS_GZIP_BUDGET = 35_000
CSS_BUDGET = 20_000


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists() or shutil.which("node") is None:
        require_or_skip(f"{name} is not installed: run `npm ci` at the repository root")
    return str(path)


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_generated_types_are_those_of_the_committed_sdl_and_the_operations():
    done = _run(_tool("graphql-codegen"), "--config", "console/codegen.ts", "--check")

    assert done.returncode == 0, (
        "console/src/gql/types.ts drifts from schema/staff.graphql or the operations: "
        f"run `npm run console:codegen`\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    )


def test_every_page_type_checks_against_the_generated_types():
    done = _run(_tool("tsc"), "-p", "console")

    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]


def test_the_built_bundle_stays_within_its_budget():
    if not (DIST / "index.html").is_file():
        require_or_skip("the console is not built: run `make console`")
    scripts = list((DIST / "assets").glob("*.js"))
    styles = list((DIST / "assets").glob("*.css"))
    raw = sum(p.stat().st_size for p in scripts)
    packed = sum(len(gzip.compress(p.read_bytes(), 9)) for p in scripts)
    css = sum(p.stat().st_size for p in styles)

    assert scripts, "no JavaScript in console/dist/assets"
    assert raw <= JS_BUDGET, f"console JS is {raw} bytes, over the {JS_BUDGET} budget"
    assert packed <= JS_GZIP_BUDGET, f"console JS is {packed} bytes gzipped, over the {JS_GZIP_BUDGET} budget"
    assert css <= CSS_BUDGET, f"console CSS is {css} bytes, over the {CSS_BUDGET} budget"


def test_the_console_asks_for_nothing_but_its_own_host_and_graphql():
    """No URL of another host in the built files, and the only API the sources call is /graphql."""
    if not (DIST / "index.html").is_file():
        require_or_skip("the console is not built: run `make console`")
    built = "".join(
        p.read_text(encoding="utf-8") for p in DIST.rglob("*") if p.suffix in {".js", ".css", ".html"}
    )
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "console" / "src").rglob("*.ts*"))

    assert "//cdn" not in built and "https://" not in built
    assert 'fetch("/graphql"' in sources and sources.count("fetch(") == 1
