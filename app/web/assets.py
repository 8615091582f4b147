"""Front-end files the server serves itself: GraphiQL's page and the libraries it runs on.

They are npm packages pinned in package-lock.json and installed into ``node_modules/`` by ``make demo``
and ``make test``; serving them from here instead of a public CDN keeps GraphiQL working offline and
keeps every page we serve on our own host. Only the files named below can be fetched: the route is not
a window onto node_modules. GraphiQL is off in production (settings), and so are these routes.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from app.settings import PROJECT_ROOT

NODE_MODULES = PROJECT_ROOT / "node_modules"
GRAPHIQL_PAGE = Path(__file__).resolve().parent / "static" / "graphiql.html"
# URL name -> file under node_modules (versions in package.json / package-lock.json).
GRAPHIQL_FILES = {
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.min.js": "graphiql/graphiql.min.js",
    "graphiql.min.css": "graphiql/graphiql.min.css",
    "plugin-explorer.umd.js": "@graphiql/plugin-explorer/dist/index.umd.js",
    "plugin-explorer.css": "@graphiql/plugin-explorer/dist/style.css",
}
MISSING = (
    "GraphiQL's files are not installed on this server: run `make demo` (or `npm ci` at the repository "
    "root) to install them from package-lock.json."
)


def missing_files(root: Path = NODE_MODULES) -> list[str]:
    return [name for name, path in GRAPHIQL_FILES.items() if not (root / path).is_file()]


def graphiql_page() -> Response:
    """The GraphiQL shell (no data in it), or a plain explanation when its files are not installed."""
    if missing_files():
        return PlainTextResponse(MISSING, status_code=503)
    return HTMLResponse(GRAPHIQL_PAGE.read_text(encoding="utf-8"))


async def graphiql_asset(request: Request) -> Response:
    relative = GRAPHIQL_FILES.get(request.path_params["name"])
    if relative is None:
        return PlainTextResponse("Not found", status_code=404)
    path = NODE_MODULES / relative
    if not path.is_file():
        return PlainTextResponse(MISSING, status_code=503)
    # The names carry no version: a day's caching, revalidated by the ETag FileResponse sends.
    return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})


def routes(enabled: bool) -> list[Route]:
    return [Route("/assets/graphiql/{name}", graphiql_asset, methods=["GET", "HEAD"])] if enabled else []
