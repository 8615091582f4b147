"""Builds the Starlette application: database lifecycle, tenant sync, routes and middleware."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp

from app.auth import ratelimit, tokens
from app.auth.oidc import ProviderCache
from app.db import lifecycle
from app.documents import pool as pdf_pool
from app.jobs import status as job_status
from app.jobs.inprocess import InProcessRunner
from app.observability import http as observed_http
from app.observability import scrape, tracing
from app.realtime import transports as realtime_transports
from app.settings import Environment, Settings, get_settings
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants
from app.web import assets, auth_routes, body_limits, console, documents, errors, stripe_webhooks
from app.web.exports import ROUTES as export_routes
from app.web.graphql import PortalGraphQL, StaffGraphQL
from app.web.logs import RequestIdMiddleware, configure_logging
from app.web.portal import routes as portal_routes
from schema.portal.schema import build_schema as build_portal_schema
from schema.staff.schema import build_schema

log = logging.getLogger("ledgerport.web")


async def healthz(request: Request) -> JSONResponse:
    """Liveness plus database readiness: 503 when the database does not answer. ``?verbose=1`` adds the
    number of background jobs in each state (``failed`` is the one to alert on)."""
    try:
        await lifecycle.ping()
    except Exception:
        log.exception("health check: database not ready")
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    body: dict = {"status": "ok", "database": "ok"}
    if request.query_params.get("verbose") in {"1", "true", "yes"}:
        body["jobs"] = await job_status.counts(request.app.state.tenants)
    return JSONResponse(body)


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error", exc_info=exc)
    return await errors.server_error(request, exc)


class LedgerportApp(Starlette):
    """Starlette with the request id outside everything, Starlette's own 500 handler included, so the
    last-resort answer to an unexpected error carries its request id like every other answer; and the
    metrics and the request's span outside that, so every log line of the request (its access line
    too) carries the trace id, and a 500 is counted as one."""

    def build_middleware_stack(self) -> ASGIApp:
        return observed_http.MetricsMiddleware(RequestIdMiddleware(super().build_middleware_stack()))


def freeze_startup_heap() -> None:
    """Take what start-up built (modules, both GraphQL schemas, templates, tenant files: ~150,000
    long-lived objects) out of the garbage collector's full collections. Each full collection walked
    them all, 75-100 ms every ten or so dashboard requests, and the request that triggered it waited
    (docs/performance.md). Start-up garbage is collected first, so nothing dead is kept."""
    gc.collect()
    gc.freeze()


def create_app(
    settings: Settings | None = None,
    tenants: TenantRegistry | None = None,
    *,
    manage_database: bool = True,
) -> Starlette:
    """The whole server. Tests pass their own settings and set ``manage_database=False`` to share a
    database they opened themselves."""
    settings = settings or get_settings()
    settings.check()
    tokens.trust_checks_for(settings.token_check_seconds)
    tenants = tenants or TenantRegistry.load(settings.tenants_dir)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        if manage_database:
            await lifecycle.open_database(settings.database_url, settings=settings)
        await sync_tenants(tenants)
        # Subscriptions hear the events of every process (PostgreSQL NOTIFY or Redis; app.realtime).
        await realtime_transports.start(settings.database_url, settings.redis_url)
        # On SQLite the jobs (emails, scheduled alert evaluation, statements) run in this process; on
        # PostgreSQL `ledgerport worker` processes run them. Tests run jobs explicitly instead of racing
        # a background task.
        stop_jobs = asyncio.Event()
        jobs_task = (
            asyncio.create_task(InProcessRunner(tenants).serve(stop_jobs), name="jobs")
            if settings.env != Environment.TEST and lifecycle.dialect() == "sqlite"
            else None
        )
        # The counts per state in the log each minute, on both engines: on PostgreSQL a server whose
        # log shows ``queued`` growing is a server with no worker running.
        counting = (
            asyncio.create_task(job_status.report(tenants, job_status.REPORT_SECONDS, stop_jobs))
            if settings.env != Environment.TEST
            else None
        )
        # Long statements are laid out by a process pool; its processes load WeasyPrint (~1 s each) while
        # the server already serves, not in the first such download. Tests start it when they need it.
        warming = (
            None
            if settings.env == Environment.TEST
            else asyncio.create_task(asyncio.to_thread(pdf_pool.warm))
        )
        freeze_startup_heap()
        try:
            yield
        finally:
            stop_jobs.set()
            for task in (jobs_task, counting):
                if task is not None:
                    with contextlib.suppress(Exception):
                        await task
            if warming is not None:
                with contextlib.suppress(Exception):
                    await warming
            await realtime_transports.stop()
            pdf_pool.shutdown()
            if settings.env != Environment.TEST:
                tracing.shutdown()  # flush the spans still batched
            if manage_database:
                await lifecycle.close_database()

    providers = ProviderCache()
    # Failed credentials per client address and endpoint (API tokens, provider JWTs, session cookies).
    failures = ratelimit.shared(30, 60, name="credentials", **_limit_storage(settings))
    introspection = not settings.is_production
    shared = {"settings": settings, "tenants": tenants, "providers": providers, "failures": failures}
    staff_graphql = StaffGraphQL(build_schema(settings, introspection=introspection), **shared)
    portal_graphql = PortalGraphQL(build_portal_schema(introspection=introspection), **shared)
    routes = [
        Route("/healthz", healthz),
        Route("/metrics", scrape.metrics_endpoint),
        Route("/graphql", staff_graphql, methods=["GET", "POST"]),
        Route("/portal/graphql", portal_graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", staff_graphql),
        WebSocketRoute("/portal/graphql", portal_graphql),
        *auth_routes.routes(),
        *documents.routes,
        *stripe_webhooks.routes,
        *portal_routes.routes(),
        *export_routes,
        *assets.routes(settings.graphiql),
        *console.routes(),
    ]
    app = LedgerportApp(
        routes=routes,
        middleware=[Middleware(body_limits.BodyLimitMiddleware, limits=body_limits.limits_for(tenants))],
        exception_handlers={Exception: server_error, HTTPException: errors.http_error},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.tenants = tenants
    app.state.providers = providers
    # Sign-in starts and callbacks per client address and tenant.
    app.state.signin_limiter = ratelimit.shared(20, 60, name="signin", **_limit_storage(settings))
    return app


def _limit_storage(settings: Settings) -> dict:
    return {"redis_url": settings.redis_url, "database_url": settings.database_url}


def create_server_app() -> Starlette:
    """Entry point for uvicorn's factory mode: settings and logging from the environment."""
    settings = get_settings()
    configure_logging(settings.log_level)
    tracing.configure()
    return create_app(settings)
