"""A throwaway PostgreSQL cluster for one test session: never a shared database.

Contract:
- ``find_bindir() -> Path | None``: a directory holding the server programs (``initdb``, ``pg_ctl``,
  ``postgres``): ``$DMPG_TEST_PG_BINDIR`` if set, else ``pg_config --bindir``, else the newest
  ``/usr/lib/postgresql/<ver>/bin`` (Debian keeps them off ``PATH``), else ``PATH``.
- ``PostgresCluster.create(bindir=None)`` runs ``initdb`` into a new private temp dir and starts the
  server with ``pg_ctl`` on a free loopback port (TCP on 127.0.0.1 only; its unix socket in the temp
  dir, so it never meets a system cluster). ``stop()`` stops it and deletes the directory; the
  cluster is also a context manager. Raises ``PostgresUnavailable`` (a reason a person can act on)
  when there are no server programs, or the process is root and there is no ``postgres`` user to
  run them as; any other failure is a ``RuntimeError`` with the server's log.
- As root (CI), every server program runs as Debian's ``postgres`` user, which owns the temp dir:
  PostgreSQL refuses to run as root. Clients (this process, ``pg_dump``) connect over TCP with a
  password (scram-sha-256); nothing is trusted on TCP.
- ``create_database(name, extensions=()) -> Database``: a new database owned by the cluster's one
  application role ``dmpg`` (not a superuser, as in production), the extensions created by the
  superuser first (e.g. ``pg_trgm`` for the Prefect server). ``drop_database(db)`` drops it even
  while clients are still connected.
- ``dump(db, path)`` / ``restore(path, into_db)``: ``pg_dump``'s custom format and ``pg_restore`` in
  one transaction, without owners or grants, so a dump restores into any database of the role.

Durability is switched off (``fsync``, ``synchronous_commit``, ``full_page_writes``): the cluster is
deleted at the end anyway, and this keeps a test session's hundreds of small transactions fast.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from dmpg.adapters.stack_net import LOOPBACK, free_port

APP_ROLE = "dmpg"
SUPERUSER = "postgres"
SERVER_USER = "postgres"  # the OS user the server runs as when the test process is root
SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
START_TIMEOUT = 60  # seconds; a hang guard (starting takes about a second)
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be run on this machine; the message says why and what to install."""


@dataclass(frozen=True)
class Database:
    """One database of the cluster and the role that connects to it."""

    name: str
    user: str
    password: str
    host: str
    port: int

    def _url(self, scheme: str) -> str:
        return f"{scheme}://{quote(self.user)}:{quote(self.password, safe='')}@{self.host}:{self.port}/{self.name}"

    @property
    def dsn(self) -> str:
        """A libpq connection URI (``psql``, ``pg_dump``, ``psycopg.connect``)."""
        return self._url("postgresql")

    @property
    def sqlalchemy_url(self) -> str:
        """The URL for SQLAlchemy with psycopg 3 (the ledger's ``DMPG_DATABASE_URL``)."""
        return self._url("postgresql+psycopg")

    @property
    def asyncpg_url(self) -> str:
        """The URL for SQLAlchemy with asyncpg (``PREFECT_SERVER_DATABASE_CONNECTION_URL``)."""
        return self._url("postgresql+asyncpg")


def find_bindir() -> Path | None:
    """The directory of the PostgreSQL server programs, or None (see the module docstring)."""
    candidates: list[Path] = []
    if os.environ.get("DMPG_TEST_PG_BINDIR"):
        candidates.append(Path(os.environ["DMPG_TEST_PG_BINDIR"]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        # libpq-dev's pg_config names the server's bindir even when only the client is installed.
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if out:
            candidates.append(Path(out))
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    candidates += debian
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for bindir in candidates:
        if all(os.access(bindir / program, os.X_OK) for program in SERVER_PROGRAMS):
            return bindir
    return None


def _version_key(bindir: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name)) or (0,)


def _server_account() -> pwd.struct_passwd | None:
    """The OS account the server programs run as: None means "as this process" (not root)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise PostgresUnavailable(
            f"the tests run as root, PostgreSQL refuses to, and there is no {SERVER_USER!r} user to run it as "
            "(Debian's postgresql package creates it)"
        ) from None


def _clean_env() -> dict[str, str]:
    """This process's environment without libpq's PG* variables (a PGPORT or PGHOST of the machine
    must never point our programs at another server)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")}


class PostgresCluster:
    """A running throwaway cluster (see the module docstring). Use ``PostgresCluster.create()``."""

    def __init__(self, bindir: Path, root: Path, account: pwd.struct_passwd | None) -> None:
        self.bindir = bindir
        self.root = root
        self.data = root / "data"
        self.log = root / "server.log"
        self.port = 0
        self._account = account
        self._superuser_password = secrets.token_urlsafe(18)
        self._app_password = secrets.token_urlsafe(18)

    # ---- lifecycle -------------------------------------------------------------------------------

    @classmethod
    def create(cls, bindir: Path | None = None) -> PostgresCluster:
        """initdb into a new temp dir and start the server; raises ``PostgresUnavailable`` or
        ``RuntimeError`` (nothing is left behind then)."""
        bindir = bindir or find_bindir()
        if bindir is None:
            raise PostgresUnavailable(
                "PostgreSQL server programs (initdb, pg_ctl) not found in pg_config --bindir, "
                "/usr/lib/postgresql/*/bin or PATH: install Debian's postgresql and postgresql-contrib "
                "(`make test` does so as root or with sudo), or set DMPG_TEST_PG_BINDIR"
            )
        account = _server_account()
        # /tmp, not pytest's tmp_path: the server user must be able to reach its data dir, and
        # pytest's directories of root are private to root.
        root = Path(tempfile.mkdtemp(prefix="dmpg-test-pg-"))
        cluster = cls(bindir, root, account)
        try:
            if account is not None:
                os.chown(root, account.pw_uid, account.pw_gid)
            cluster._initdb()
            cluster._start()
            cluster._create_app_role()
        except BaseException:
            with contextlib.suppress(RuntimeError):  # the first failure is the one to report
                cluster.stop()
            raise
        return cluster

    def __enter__(self) -> PostgresCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run_server_program(self, argv: Sequence[str], timeout: float = START_TIMEOUT) -> subprocess.CompletedProcess:
        """Run one of the server programs as the server's account; RuntimeError with its output on failure."""
        account = self._account
        result = subprocess.run(
            [str(self.bindir / argv[0]), *argv[1:]],
            cwd=self.root,
            env=_clean_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            user=account.pw_uid if account else None,
            group=account.pw_gid if account else None,
            extra_groups=[] if account else None,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{argv[0]} failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"
                f"{self._log_tail()}"
            )
        return result

    def _initdb(self) -> None:
        pwfile = self.root / "superuser-password"
        pwfile.write_text(self._superuser_password + "\n")
        if self._account is not None:
            os.chown(pwfile, self._account.pw_uid, self._account.pw_gid)
        try:
            self._run_server_program([
                "initdb", "--pgdata", str(self.data), "--username", SUPERUSER, "--pwfile", str(pwfile),
                # TCP (loopback only, see listen_addresses) always asks for the password; the socket
                # lives in the private temp dir, where only the server's account can reach it.
                "--auth-host", "scram-sha-256", "--auth-local", "trust",
                "--encoding", "UTF8", "--locale", "C", "--no-sync",
            ])
        finally:
            pwfile.unlink(missing_ok=True)
        settings = {
            "listen_addresses": f"'{LOOPBACK}'",
            "unix_socket_directories": f"'{self.root}'",
            "max_connections": "200",  # Prefect servers' pools and the ledger tests' threads
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# dmpg tests: a throwaway cluster\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def _start(self) -> None:
        """Start on a free port; retry with another when a second program took it in the meantime."""
        for attempt in range(3):
            self.port = free_port()
            try:
                self._run_server_program([
                    "pg_ctl", "start", "--pgdata", str(self.data), "--log", str(self.log),
                    "--wait", "--timeout", str(START_TIMEOUT), "--options", f"-p {self.port}",
                ], timeout=START_TIMEOUT + 10)
            except RuntimeError:
                if attempt == 2 or "already in use" not in self._log_tail():
                    raise
                continue
            return

    def stop(self) -> None:
        """Stop the server (open connections are ended) and delete the cluster's directory."""
        try:
            # postmaster.pid exists from the server's start until it has stopped (also when a start
            # timed out half-way): never delete the files under a running server.
            if (self.data / "postmaster.pid").exists():
                self._run_server_program(["pg_ctl", "stop", "--pgdata", str(self.data), "--mode", "fast", "--wait"])
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\nserver log:\n" + "\n".join(text.splitlines()[-lines:])

    # ---- databases -------------------------------------------------------------------------------

    @property
    def superuser(self) -> Database:
        """The superuser on the maintenance database ``postgres``."""
        return Database("postgres", SUPERUSER, self._superuser_password, LOOPBACK, self.port)

    def execute(self, statements: Iterable[str], db: Database | None = None) -> None:
        """Run SQL statements in autocommit (CREATE DATABASE cannot run in a transaction), as the
        superuser on ``db``'s database (default: the maintenance database)."""
        import psycopg

        target = self.superuser if db is None else Database(db.name, SUPERUSER, self._superuser_password, db.host, db.port)
        with psycopg.connect(target.dsn, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def _create_app_role(self) -> None:
        self.execute([f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{self._app_password}'"])

    def create_database(self, name: str, extensions: Sequence[str] = ()) -> Database:
        """A new empty database ``name`` owned by the application role, with ``extensions`` created."""
        for identifier in (name, *extensions):
            if not _NAME.match(identifier):
                raise ValueError(f"{identifier!r} is not a plain lower-case SQL name")
        self.execute([f"CREATE DATABASE {name} OWNER {APP_ROLE}"])
        db = Database(name, APP_ROLE, self._app_password, LOOPBACK, self.port)
        if extensions:
            self.execute([f"CREATE EXTENSION IF NOT EXISTS {ext}" for ext in extensions], db=db)
        return db

    def drop_database(self, db: Database) -> None:
        """Drop ``db``, ending any session still connected to it."""
        self.execute([f"DROP DATABASE IF EXISTS {db.name} WITH (FORCE)"])

    # ---- backup ----------------------------------------------------------------------------------

    def _client(self, argv: Sequence[str], env: Mapping[str, str] | None = None) -> None:
        """Run a client program (pg_dump, pg_restore) of the cluster's own version as this process."""
        result = subprocess.run(
            [str(self.bindir / argv[0]), *argv[1:]], env={**_clean_env(), **(env or {})},
            capture_output=True, text=True, timeout=300, check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed (exit {result.returncode}):\n{result.stdout}{result.stderr}")

    def dump(self, db: Database, path: Path) -> Path:
        """``pg_dump`` of ``db`` to ``path`` (custom format, no owners or grants); returns ``path``."""
        self._client(["pg_dump", "--format", "custom", "--no-owner", "--no-privileges",
                      "--file", str(path), "--dbname", db.dsn])
        return path

    def restore(self, path: Path, into_db: Database) -> None:
        """``pg_restore`` a ``dump`` into the (empty) ``into_db``, all or nothing."""
        self._client(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                      "--dbname", into_db.dsn, str(path)])

