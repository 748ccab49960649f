"""A wrong DMPG_DATABASE_URL is one clear line naming the URL (password masked), never a traceback."""

from __future__ import annotations

import re

import pytest

from core.errors import UserError
from dmpg.interfaces.cli import main


@pytest.fixture
def database_url(dmpg_home, monkeypatch):
    from core.settings import get_settings

    def use(url: str) -> None:
        monkeypatch.setenv("DMPG_DATABASE_URL", url)
        get_settings.cache_clear()

    return use


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "cannot parse the ledger database URL 'not a url'"),
        ("oracle+nothing://u@h/db", "unknown database kind 'oracle+nothing'"),
        ("postgresql+psycopg2://dmpg:s3cret@127.0.0.1:1/dmpg", "driver for 'postgresql+psycopg2' is not installed"),
    ],
)
def test_bad_url_is_a_user_error(database_url, url, message):
    from models.db import get_engine

    database_url(url)
    with pytest.raises(UserError, match=re.escape(message)) as caught:
        get_engine()
    assert "s3cret" not in str(caught.value)
    assert "DMPG_DATABASE_URL" in str(caught.value)


def test_a_file_that_is_not_a_database(database_url, tmp_path):
    from models.db import ensure_schema

    junk = tmp_path / "ledger.db"
    junk.write_text("this is not SQLite")
    database_url(f"sqlite:///{junk}")
    with pytest.raises(UserError, match="cannot open the ledger database .*: file is not a database"):
        ensure_schema()


def test_cli_prints_one_line_and_exits_2(database_url, capsys):
    database_url("postgresql+psycopg2://dmpg:s3cret@127.0.0.1:1/dmpg")
    assert main(["registry"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("dmpg registry: ")
    assert "***" in err and "s3cret" not in err and "Traceback" not in err


def test_a_sqlite_url_elsewhere_is_created_and_used(database_url, tmp_path):
    from models.ledger import list_registry

    target = tmp_path / "elsewhere" / "ledger.sqlite"
    database_url(f"sqlite:///{target}")
    assert len(list_registry()) == 7
    assert target.exists()
