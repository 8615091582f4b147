"""A PostgreSQL primary and its streaming replica, made on loopback for one test and removed afterwards.

The machine's own server (127.0.0.1:5432) has no ``replication`` line in its pg_hba.conf, and tests may
not edit system files, so the pair is a cluster of our own: ``initdb`` into a temporary folder (its
pg_hba allows replication from 127.0.0.1), ``wal_level=replica``, then ``pg_basebackup -R`` of it into a
second folder started as a hot standby. PostgreSQL refuses to run as root, so when the tests run as
root the Debian binaries run as the ``postgres`` user through ``runuser``. About 2-3 s to start.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import require_or_skip


@dataclass(frozen=True)
class Pair:
    primary_url: str
    replica_url: str


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streaming_pair() -> Iterator[Pair]:
    """Start a primary and a replica of it; stop both and delete their folders however the test ends."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        require_or_skip("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    as_user: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            require_or_skip("running as root without runuser: PostgreSQL will not start as root")
        as_user = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="ledgerport-replica-"))
    if as_user:
        shutil.chown(root, "postgres")
    os.chmod(root, 0o700)
    primary, replica = root / "primary", root / "replica"
    ports = _free_port(), _free_port()
    started: list[Path] = []

    def run(*args: str) -> None:
        done = subprocess.run([*as_user, *args], capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")

    def start(data: Path, port: int) -> None:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / f"{data.name}.log"),
            "-o", f"-p {port}", "-w", "-t", "30", "start")  # fmt: skip
        started.append(data)

    try:
        run(str(bin_dir / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust", "--no-sync")
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write(
                "wal_level = replica\nmax_wal_senders = 4\nfsync = off\nsynchronous_commit = off\n"
                f"listen_addresses = '127.0.0.1'\nunix_socket_directories = '{root}'\n"
                "hot_standby_feedback = on\n"
            )
        with open(primary / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        start(primary, ports[0])
        run(str(bin_dir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(ports[0]), "-U", "postgres",
            "-D", str(replica), "-R", "-X", "stream")  # fmt: skip
        start(replica, ports[1])
        yield Pair(
            primary_url=f"postgres://postgres@127.0.0.1:{ports[0]}/postgres",
            replica_url=f"postgres://postgres@127.0.0.1:{ports[1]}/postgres",
        )
    finally:
        for data in reversed(started):
            subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                           capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def copy_schema(source_url: str, target_url: str) -> None:
    """The migrated test database's schema (our tables, pgqueuer's) into the pair's primary: a second
    of ``pg_dump --schema-only`` instead of running every migration again."""
    dump = subprocess.run(
        ["pg_dump", "--schema-only", "--no-owner", "--no-privileges", _libpq(source_url)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", _libpq(target_url)],
        input=dump.stdout, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip


def _libpq(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]
