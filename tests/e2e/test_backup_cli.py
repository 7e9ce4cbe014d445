"""`procure backup` copies a live database with its newest checkpoint beside it; `procure
restore` puts a copy into an empty database, and `audit verify --checkpoints` proves nothing
was lost (in-process runner; SQLite, and PostgreSQL through pg_dump when a server is named)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from procure.services.accounts import manage as accounts
from procure.store.db import make_engine, new_session
from procure.store.keyfile import create_key
from procure.store.migrate import upgrade
from tests.conftest import fresh_postgres_schema
from tests.e2e.test_deadlines_cli import db, run  # noqa: F401 (the database fixture)
from tests.integration.builders import ADMIN, AUDITOR, OFFICER
from tests.integration.deadline_world import Clock, project_on


@pytest.fixture
def key_env(tmp_path: Path) -> dict[str, str]:
    create_key(tmp_path / "audit.key")
    return {"PROCURE_AUDIT_KEY": str(tmp_path / "audit.key")}


def _verify_restored(url: str, checkpoint: Path) -> str:
    verified = run(url, "audit", "verify", "--checkpoints", str(checkpoint))
    assert verified.code == 0, verified.stderr
    assert "checkpoints hold" in verified.stdout
    assert "The tables hold what the audit trail implies" in verified.stdout
    return verified.stdout


def test_a_backup_of_a_live_sqlite_database_holds_what_its_wal_held_and_restores_whole(
    db: str,  # noqa: F811
    tmp_path: Path,
    key_env: dict[str, str],
) -> None:
    path = Path(db.removeprefix("sqlite:///"))
    live = make_engine(db)
    try:
        with new_session(live) as session:
            session.connection().exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
            accounts.set_email(session, OFFICER.name, "lixiumei@example.org", ADMIN)
            session.commit()
            wal = path.with_name(path.name + "-wal")
            assert wal.exists() and wal.stat().st_size > 0  # the change sits in the WAL
            backed = run(
                db, "backup", "-o", str(tmp_path / "copy.db"), "--by", "admin", env=key_env
            )
    finally:
        live.dispose()

    assert backed.code == 0, backed.stderr
    assert "sqlite online backup" in backed.stdout
    beside = tmp_path / "copy.db.checkpoint.json"
    assert json.loads(beside.read_text())["seq"] > 0
    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    done = run(restored, "restore", str(tmp_path / "copy.db"))
    assert done.code == 0, done.stderr
    assert f"procure audit verify --checkpoints {beside}" in done.stdout
    _verify_restored(restored, beside)
    with sqlite3.connect(tmp_path / "restored.db") as copy:
        email = copy.execute("SELECT email FROM user WHERE login = ?", (OFFICER.name,)).fetchone()
    assert email == ("lixiumei@example.org",)


def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(
    db: str,  # noqa: F811
    tmp_path: Path,
    key_env: dict[str, str],
) -> None:
    assert (
        run(db, "backup", "-o", str(tmp_path / "copy.db"), "--by", "admin", env=key_env).code == 0
    )
    before = Path(db.removeprefix("sqlite:///")).read_bytes()

    refused = run(db, "restore", str(tmp_path / "copy.db"))

    assert refused.code == 1
    assert refused.stderr.strip() == (
        "error: the database to restore into is not empty: restore only into a new, empty "
        "database (nothing was changed)"
    )
    assert Path(db.removeprefix("sqlite:///")).read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--by", AUDITOR.name), "backup refused: 赵审计"),
        (("--by", "nobody"), "backup refused: no account 'nobody'"),
    ],
    ids=["an auditor", "an unknown login"],
)
def test_a_backup_needs_an_admin(
    db: str,  # noqa: F811
    tmp_path: Path,
    args: tuple[str, ...],
    message: str,
) -> None:
    refused = run(db, "backup", "-o", str(tmp_path / "copy.db"), *args)

    assert refused.code == 1 and message in refused.stderr
    assert refused.stderr.count("\n") == 1
    assert not (tmp_path / "copy.db").exists()


def test_a_backup_never_overwrites_and_restore_refuses_a_file_that_is_not_a_backup(
    db: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    existing = tmp_path / "copy.db"
    existing.write_bytes(b"keep me")
    overwrite = run(db, "backup", "-o", str(existing), "--by", "admin")
    stranger = tmp_path / "notes.txt"
    stranger.write_text("not a database")
    not_backup = run(f"sqlite:///{tmp_path / 'new.db'}", "restore", str(stranger))

    assert overwrite.code == 1 and "already exists" in overwrite.stderr
    assert existing.read_bytes() == b"keep me"
    assert not_backup.code == 1
    assert not_backup.stderr.strip() == (
        f"error: {stranger} is not a procure backup (neither a SQLite file nor a pg_dump archive)"
    )


def test_the_admin_s_backups_are_recorded(db: str, tmp_path: Path) -> None:  # noqa: F811
    assert run(db, "backup", "-o", str(tmp_path / "copy.db"), "--by", "admin").code == 0
    with sqlite3.connect(Path(db.removeprefix("sqlite:///"))) as live:
        rows = live.execute("SELECT method, file_name, taken_by FROM backup_record").fetchall()
    assert rows == [("sqlite online backup", "copy.db", "admin")]


def _postgres_world(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with new_session(engine) as session:
        from datetime import date

        project_on(session, Clock(monkeypatch), "soliciting", date(2019, 9, 25))
    engine.dispose()
    monkeypatch.undo()


@pytest.mark.postgres
def test_a_postgresql_backup_through_pg_dump_restores_into_an_empty_schema(
    tmp_path: Path, key_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_postgres_schema() as url:
        _postgres_world(url, monkeypatch)
        backed = run(url, "backup", "-o", str(tmp_path / "copy.dump"), "--by", "admin", env=key_env)
        assert backed.code == 0, backed.stderr
        assert "pg_dump" in backed.stdout
        schema = url.rsplit("%3D", 1)[1]
        server = create_engine(url.split("?")[0])
        with server.begin() as connection:  # the database is lost…
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        server.dispose()
        done = run(url, "restore", str(tmp_path / "copy.dump"))  # …and comes back
        assert done.code == 0, done.stderr
        _verify_restored(url, tmp_path / "copy.dump.checkpoint.json")


@pytest.mark.postgres
def test_without_pg_dump_on_path_the_backup_names_it_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_postgres_schema() as url:
        _postgres_world(url, monkeypatch)
        empty = tmp_path / "bin"
        empty.mkdir()
        refused = run(
            url,
            "backup",
            "-o",
            str(tmp_path / "copy.dump"),
            "--by",
            "admin",
            env={"PATH": str(empty)},
        )
    assert refused.code == 1
    assert refused.stderr.strip() == (
        "error: pg_dump is not on PATH: install the PostgreSQL client tools (Debian: apt-get "
        "install postgresql-client); nothing was written"
    )
    assert not (tmp_path / "copy.dump").exists()


@contextmanager
def new_database(url: str) -> Iterator[str]:
    """``url`` (a server and a search_path) on a database of its own, made now (without
    pg_trgm, as a new server's database is) and dropped on leaving."""
    name = f"restore_{uuid.uuid4().hex[:10]}"
    server = make_url(url.split("?")[0])
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.replace(f"/{server.database}?", f"/{name}?", 1)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_a_postgresql_backup_restores_into_a_new_database_without_pg_trgm(
    tmp_path: Path, key_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_postgres_schema() as url:
        _postgres_world(url, monkeypatch)
        backed = run(url, "backup", "-o", str(tmp_path / "copy.dump"), "--by", "admin", env=key_env)
        assert backed.code == 0, backed.stderr
        with new_database(url) as elsewhere:
            done = run(elsewhere, "restore", str(tmp_path / "copy.dump"))
            assert done.code == 0, done.stderr
            _verify_restored(elsewhere, tmp_path / "copy.dump.checkpoint.json")
            restored = create_engine(elsewhere)
            with restored.connect() as connection:
                indexes = connection.execute(
                    text("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%trgm'")
                ).scalars()
                assert sorted(indexes) == ["ix_project_code_trgm", "ix_project_title_trgm"]
            restored.dispose()


@pytest.mark.postgres
def test_a_restore_that_cannot_create_pg_trgm_names_the_fix_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_postgres_schema() as url:
        _postgres_world(url, monkeypatch)
        assert run(url, "backup", "-o", str(tmp_path / "copy.dump"), "--by", "admin").code == 0
        with new_database(url) as elsewhere:
            server = create_engine(elsewhere)
            with server.begin() as connection:  # where the indexes want the extension
                connection.execute(text("DROP SCHEMA public"))
            refused = run(elsewhere, "restore", str(tmp_path / "copy.dump"))
            with server.connect() as connection:
                schemas = connection.execute(
                    text("SELECT nspname FROM pg_namespace WHERE nspname !~ '^(pg_|information)'")
                ).scalars()
                assert list(schemas) == []
            server.dispose()
    assert refused.code == 1
    name = make_url(elsewhere.split("?")[0]).database
    assert refused.stderr.strip() == (
        "error: the backup's search indexes need the PostgreSQL extension pg_trgm in schema "
        f'public, which cannot be created here (schema "public" does not exist): have the '
        f'server\'s administrator run CREATE EXTENSION pg_trgm SCHEMA public in database "{name}" '
        "(Debian: apt-get install postgresql-contrib), then restore again; nothing was changed"
    )
