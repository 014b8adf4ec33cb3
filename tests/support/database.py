"""A real PostgreSQL server for the store tests, started in a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from devkit.server import free_port

POSTGRES_MISSING = "needs the postgresql package (`apt-get install postgresql`) for a real PostgreSQL server"


def postgres_bin() -> Path | None:
    """The folder of PostgreSQL's server programs (initdb, pg_ctl): on PATH, or Debian's
    /usr/lib/postgresql/N/bin (the newest); None where PostgreSQL is not installed."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    versions = [
        p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl") if (p.parent / "initdb").exists()
    ]
    versions.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return versions[-1] if versions else None


class PostgresServer:
    """A throwaway PostgreSQL cluster in a temporary folder, reached on a unix socket only (no TCP port);
    `start()` it, `create_database()` one database per test, `stop()` removes it all.

    PostgreSQL refuses to run as root: as root (CI), the cluster belongs to the `postgres` user the
    package creates, and its programs run as that user.
    """

    def __init__(self) -> None:
        import tempfile

        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError(POSTGRES_MISSING)
        self.folder = Path(tempfile.mkdtemp(prefix="qari-pg-"))  # short: a socket path has ~100 bytes
        self.data = self.folder / "data"
        self.port = free_port()
        self.user = "qari"
        self._as: list[str] = []
        if os.geteuid() == 0:
            import pwd

            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self._as = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, timeout=120, cwd=self.folder)

    def start(self) -> PostgresServer:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            self.user,
            "-A",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C.UTF-8",
            "--no-sync",
        )
        return self.resume()

    def resume(self) -> PostgresServer:
        """Start the server (again, after `halt`): the same folder, socket and port, its data kept."""
        options = f"-k {self.folder} -c listen_addresses='' -p {self.port} -F"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        return self

    def halt(self) -> None:
        """Stop the server as an administrator's restart does (`pg_ctl stop -m fast`: clients are cut off,
        the data stays); `resume()` starts it again."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, name: str = "postgres") -> str:
        """The URL of database `name`, as QARI_DATABASE_URL takes it."""
        return f"postgresql://{self.user}@/{name}?host={self.folder}&port={self.port}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            host=str(self.folder), port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
