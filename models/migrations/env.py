"""Alembic environment for the ledger.

Two ways in: ``models.db`` passes an open connection (``config.attributes["connection"]``) so the
migration runs on the application's engine, inside its transaction; the ``alembic`` command line
gets the engine from ``models.db.get_engine()`` (DMPG_DATABASE_URL or the SQLite file under
DMPG_HOME). Migrations are self-contained: they never import the application's tables.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from models.db import get_engine

config = context.config


def _target_metadata():  # noqa: ANN202
    # Only for `alembic revision --autogenerate` by a developer; running migrations never needs it.
    if context.get_x_argument(as_dictionary=True).get("autogenerate"):
        # lazy: today's tables, registered on SQLModel.metadata, only for a developer's --autogenerate
        from sqlmodel import SQLModel

        import models.tables  # noqa: F401 - registers the tables on SQLModel.metadata

        return SQLModel.metadata
    return None


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=_target_metadata(),
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
        # SQLite does DDL inside transactions too: a failed migration leaves no half-built schema.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    with get_engine().connect() as conn:
        _run(conn)
        conn.commit()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) mode is not supported for the ledger; run against a database")
run_migrations_online()
