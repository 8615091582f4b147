"""Reading and validating every tenant file in the tenants folder.

A bad file stops start-up with one message that names the file, the field and the problem, so an operator
never has to guess which of many tenants broke the deploy.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from app.errors import ConfigError
from app.tenancy.config import TenantConfig


@dataclass(frozen=True)
class TenantFile:
    path: Path
    config: TenantConfig

    def asset(self, relative: str) -> Path:
        return self.path.parent / relative


def _field_name(loc: tuple) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
        else:
            parts.append(str(item))
    return ".".join(parts) or "(file)"


def load_tenant_file(path: Path) -> TenantFile:
    """Parse and validate one tenant file; raise ``ConfigError`` naming the file and every bad field."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        config = TenantConfig.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown setting (check the spelling)"
            elif err["type"] == "missing":
                message = "is required"
            problems.append(f"{path}: {_field_name(err['loc'])}: {message}")
        raise ConfigError("\n".join(problems)) from None
    if config.slug != path.stem:
        raise ConfigError(f"{path}: slug: {config.slug!r} must match the file name {path.stem!r}")
    if config.branding.logo and not (path.parent / config.branding.logo).is_file():
        raise ConfigError(f"{path}: branding.logo: file {config.branding.logo!r} not found next to it")
    return TenantFile(path=path, config=config)


class TenantRegistry:
    """Every tenant's configuration, by slug and by host name."""

    def __init__(self, files: list[TenantFile]) -> None:
        self._by_slug = {f.config.slug: f for f in files}
        self._by_host: dict[str, TenantFile] = {}
        for f in files:
            for host in f.config.hosts:
                other = self._by_host.get(host)
                if other is not None:
                    raise ConfigError(f"{f.path}: hosts: {host!r} is already used by {other.path.name}")
                self._by_host[host] = f

    @classmethod
    def load(cls, directory: Path) -> TenantRegistry:
        if not directory.is_dir():
            raise ConfigError(f"{directory}: tenants folder not found (set LEDGERPORT_TENANTS_DIR)")
        files = [load_tenant_file(p) for p in sorted(directory.glob("*.toml"))]
        if not files:
            raise ConfigError(f"{directory}: no tenant files (*.toml) found")
        return cls(files)

    def __iter__(self):
        return iter(self._by_slug.values())

    def __len__(self) -> int:
        return len(self._by_slug)

    def slugs(self) -> list[str]:
        return sorted(self._by_slug)

    def get(self, slug: str) -> TenantFile | None:
        return self._by_slug.get(slug)

    def require(self, slug: str) -> TenantFile:
        found = self._by_slug.get(slug)
        if found is None:
            known = ", ".join(self.slugs())
            raise ConfigError(f"unknown tenant {slug!r} (known: {known})")
        return found

    def by_host(self, host: str) -> TenantFile | None:
        return self._by_host.get(host.split(":", 1)[0].lower())
