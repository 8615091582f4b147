"""Process-wide settings, read once from the environment.

Every knob has a safe development default, and production refuses to start on a default that would be
unsafe there (no secret key, GraphiQL on). Tenant-specific settings live in ``tenants/<slug>.toml``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from app import clock
from app.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def _bool(name: str, raw: str | None, default: bool) -> bool:
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}: expected true or false, got {raw!r}")


def _int(name: str, raw: str | None, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}: expected a whole number, got {raw!r}") from None


def _seconds(name: str, raw: str | None, default: float) -> float:
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}: expected a number of seconds, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name}: expected a number of seconds, got {raw!r}")
    return value


@dataclass(frozen=True)
class Settings:
    """What the process needs to know about its environment."""

    env: Environment = Environment.DEVELOPMENT
    database_url: str = field(
        default_factory=lambda: f"sqlite://{PROJECT_ROOT / 'var' / 'ledgerport.sqlite3'}"
    )
    secret_key: str | None = None
    tenants_dir: Path = PROJECT_ROOT / "tenants"
    templates_dir: Path = PROJECT_ROOT / "templates"
    graphiql: bool = True
    log_level: str = "INFO"
    max_page_size: int = 100
    max_query_depth: int = 12
    #: How long a valid API token is trusted without reading its row (app/auth/tokens.py): the bound
    #: on a revocation made in another process. 0 reads the row on every request.
    token_check_seconds: int = 10
    #: The bearer token a Prometheus scraper sends to ``/metrics``; in production ``/metrics`` is not
    #: served without one (app/observability/scrape.py).
    metrics_token: str | None = None
    #: ``redis://host:6379/0``: where the server processes share their rate-limit counts (else the
    #: database on PostgreSQL, memory on SQLite: app/auth/ratelimit.py).
    redis_url: str | None = None
    #: A PostgreSQL streaming replica for the dashboard aggregates, exports and reports (app/db/replica.py).
    database_replica_url: str | None = None
    #: A replica further behind than this is skipped: those reads go to the primary.
    replica_max_lag_seconds: float = 5.0
    #: How often a process measures the replica's lag (at most; 0 measures before every marked read).
    replica_lag_check_seconds: float = 1.0
    #: Real-time subscriptions (docs/realtime.md, docs/limits.md): events queued for one subscription
    #: before it is dropped as too slow; subscriptions per WebSocket; WebSockets per principal and process.
    realtime_queue_size: int = 100
    realtime_subscriptions_per_connection: int = 20
    realtime_connections_per_principal: int = 10

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from ``environ`` (default: ``os.environ``) and check them."""
        e = os.environ if environ is None else environ
        raw_env = e.get("LEDGERPORT_ENV", "development").strip().lower()
        try:
            env = Environment(raw_env)
        except ValueError:
            allowed = ", ".join(m.value for m in Environment)
            raise ConfigError(f"LEDGERPORT_ENV: expected one of {allowed}, got {raw_env!r}") from None
        defaults = cls()
        settings = cls(
            env=env,
            database_url=e.get("LEDGERPORT_DATABASE_URL") or defaults.database_url,
            secret_key=e.get("LEDGERPORT_SECRET_KEY") or None,
            tenants_dir=Path(e.get("LEDGERPORT_TENANTS_DIR") or defaults.tenants_dir),
            templates_dir=Path(e.get("LEDGERPORT_TEMPLATES_DIR") or defaults.templates_dir),
            graphiql=_bool(
                "LEDGERPORT_GRAPHIQL", e.get("LEDGERPORT_GRAPHIQL"), env != Environment.PRODUCTION
            ),
            log_level=(e.get("LEDGERPORT_LOG_LEVEL") or "INFO").upper(),
            max_page_size=_int("LEDGERPORT_MAX_PAGE_SIZE", e.get("LEDGERPORT_MAX_PAGE_SIZE"), 100),
            token_check_seconds=_int(
                "LEDGERPORT_TOKEN_CHECK_SECONDS", e.get("LEDGERPORT_TOKEN_CHECK_SECONDS"), 10
            ),
            metrics_token=e.get("LEDGERPORT_METRICS_TOKEN") or None,
            redis_url=_redis_url(e.get("LEDGERPORT_REDIS_URL")),
            database_replica_url=e.get("LEDGERPORT_DATABASE_REPLICA_URL") or None,
            replica_max_lag_seconds=_seconds(
                "LEDGERPORT_REPLICA_MAX_LAG_SECONDS", e.get("LEDGERPORT_REPLICA_MAX_LAG_SECONDS"), 5.0
            ),
            replica_lag_check_seconds=_seconds(
                "LEDGERPORT_REPLICA_LAG_CHECK_SECONDS", e.get("LEDGERPORT_REPLICA_LAG_CHECK_SECONDS"), 1.0
            ),
            realtime_queue_size=_int("LEDGERPORT_REALTIME_QUEUE", e.get("LEDGERPORT_REALTIME_QUEUE"), 100),
            realtime_subscriptions_per_connection=_int(
                "LEDGERPORT_REALTIME_SUBSCRIPTIONS", e.get("LEDGERPORT_REALTIME_SUBSCRIPTIONS"), 20
            ),
            realtime_connections_per_principal=_int(
                "LEDGERPORT_REALTIME_CONNECTIONS", e.get("LEDGERPORT_REALTIME_CONNECTIONS"), 10
            ),
        )
        settings.check()
        _check_clock(e, env)
        return settings

    @property
    def is_production(self) -> bool:
        return self.env == Environment.PRODUCTION

    @property
    def effective_secret_key(self) -> str:
        """The signing key; outside production a fixed development key keeps local sessions stable."""
        return self.secret_key or "ledgerport-development-only-secret-key"

    def check(self) -> None:
        """Refuse settings that would be unsafe in production, saying which and why."""
        if self.database_replica_url and not self.database_url.startswith(("postgres", "asyncpg")):
            raise ConfigError(
                "LEDGERPORT_DATABASE_REPLICA_URL is set but LEDGERPORT_DATABASE_URL is not PostgreSQL: "
                "read replicas are PostgreSQL streaming replicas of the primary."
            )
        if self.database_replica_url and not self.database_replica_url.startswith(("postgres", "asyncpg")):
            raise ConfigError("LEDGERPORT_DATABASE_REPLICA_URL: expected a postgres:// URL")
        if not self.is_production:
            return
        if not self.secret_key:
            raise ConfigError(
                "LEDGERPORT_SECRET_KEY is not set: production needs a secret key to sign sessions and "
                "CSRF tokens (generate one with `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )
        if len(self.secret_key) < 32:
            raise ConfigError("LEDGERPORT_SECRET_KEY is too short: production needs at least 32 characters.")
        if self.metrics_token is not None and len(self.metrics_token) < 24:
            raise ConfigError(
                "LEDGERPORT_METRICS_TOKEN is too short: production needs at least 24 characters."
            )
        if self.graphiql:
            raise ConfigError(
                "LEDGERPORT_GRAPHIQL is on in production: GraphiQL and introspection expose the whole API "
                "surface; unset LEDGERPORT_GRAPHIQL or set it to false."
            )


def _redis_url(raw: str | None) -> str | None:
    if not raw:
        return None
    if not raw.startswith(("redis://", "rediss://")):
        raise ConfigError(f"LEDGERPORT_REDIS_URL: expected redis://host:port/db or rediss://..., got {raw!r}")
    return raw


def _check_clock(environ, env: Environment) -> None:
    """``LEDGERPORT_NOW`` moves the clock (app.clock): a rehearsal tool, never production's."""
    raw = environ.get(clock.ENV_VAR)
    if not raw:
        return
    if env == Environment.PRODUCTION:
        raise ConfigError(f"{clock.ENV_VAR} is set in production: the clock there is the system's; unset it.")
    try:
        clock.parse_moment(raw)
        if rate := environ.get(clock.RATE_VAR):
            clock.parse_rate(rate)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (cached; tests build their own ``Settings``)."""
    return Settings.from_env()
