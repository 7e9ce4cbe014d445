"""Consistent copies of a live database, and their restore into an empty one.

SQLite is copied through its online backup API (``sqlite3.Connection.backup``): pages are
read inside a read transaction, so the copy is one consistent moment and holds what the
write-ahead log (WAL) had not folded into the main file yet; writers go on meanwhile.
PostgreSQL is copied by ``pg_dump`` (custom format, one snapshot) of the schema the URL
uses, and restored by ``pg_restore`` in one transaction; both must be on ``PATH`` (the
``postgresql-client`` package), else the refusal names them. A dump of one schema leaves
out the extensions its indexes use (the search's ``pg_trgm`` lives in ``public``, so that
dropping a schema never drops it): the restore creates ``pg_trgm`` where the dump's indexes
name it when the database has not got it, and drops it again if the restore then fails; a
database where it cannot be created is refused with the statement an administrator runs.
A copy is written under a temporary name and renamed, so a file by its name is always whole.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from procure.domain.errors import InvalidInput, Refused

SQLITE_MAGIC = b"SQLite format 3\0"
PG_DUMP_MAGIC = b"PGDMP"
SQLITE_METHOD = "sqlite online backup"
PG_METHOD = "pg_dump"
TOOL_HINT = "install the PostgreSQL client tools (Debian: apt-get install postgresql-client)"


def copy_database(engine: Engine, target: Path) -> str:
    """Write a consistent copy of the database behind ``engine`` to ``target``.

    Returns:
        How it was copied (:data:`SQLITE_METHOD` or :data:`PG_METHOD`).

    Raises:
        Refused: ``target`` exists, or ``pg_dump`` is not on PATH.
        InvalidInput: the copy failed (the reason is named; nothing is left at ``target``).
    """
    if target.exists():
        raise Refused(f"{target} already exists: name a new file (a backup never overwrites)")
    if not target.parent.is_dir():
        raise InvalidInput(f"the folder {target.parent} does not exist")
    partial = target.with_name(f".{target.name}.partial")
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_copy(_sqlite_path(engine), partial)
            method = SQLITE_METHOD
        else:
            _pg_dump(engine, partial)
            method = PG_METHOD
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return method


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise InvalidInput("an in-memory database has nothing to back up")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    try:
        with (
            sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True) as origin,
            sqlite3.connect(target) as copy,
        ):
            origin.backup(copy)
        copy.close()
        origin.close()
    except sqlite3.Error as exc:
        raise InvalidInput(f"the SQLite copy failed ({exc})") from exc


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise Refused(f"{name} is not on PATH: {TOOL_HINT}; nothing was written")
    return found


def _libpq(engine: Engine) -> tuple[list[str], dict[str, str]]:
    """The connection arguments of a PostgreSQL engine for pg_dump and pg_restore (the
    password and options through the environment, never on the command line)."""
    url = make_url(engine.url.render_as_string(hide_password=False))
    args = [f"--dbname={url.database}"]
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    env = {**os.environ}
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    options = url.query.get("options")
    if options:
        env["PGOPTIONS"] = options if isinstance(options, str) else " ".join(options)
    return args, env


def _schema(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(text("SELECT current_schema()")).scalar_one())


def _pg_dump(engine: Engine, target: Path) -> None:
    args, env = _libpq(engine)
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    command += [f"--schema={_schema(engine)}", f"--file={target}", *args]
    _run(command, env, "pg_dump")


def _run(command: list[str], env: dict[str, str], name: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["no message"])[0]
        raise InvalidInput(f"{name} failed: {first}")


def backup_kind(file: Path) -> str:
    """Which database a backup file is a copy of: ``sqlite`` or ``postgresql``.

    Raises:
        InvalidInput: the file cannot be read, or is neither a SQLite file nor a pg_dump archive.
    """
    try:
        with file.open("rb") as handle:
            start = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise InvalidInput(f"cannot read {file} ({exc.strerror or exc})") from exc
    if start == SQLITE_MAGIC:
        return "sqlite"
    if start.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise InvalidInput(
        f"{file} is not a procure backup (neither a SQLite file nor a pg_dump archive)"
    )


def is_empty(engine: Engine) -> bool:
    """Whether the database (its schema, on PostgreSQL) holds no table at all."""
    with engine.connect() as connection:
        return not inspect(connection).get_table_names()


def restore_database(file: Path, engine: Engine) -> None:
    """Copy the backup ``file`` into the empty database behind ``engine``.

    Raises:
        Refused: the database is not empty, the backup is of the other kind of database,
            or ``pg_restore`` is not on PATH.
        InvalidInput: the file is not a backup, or the restore failed.
    """
    kind = backup_kind(file)
    target = "sqlite" if engine.dialect.name == "sqlite" else "postgresql"
    if kind != target:
        raise Refused(
            f"{file} is a backup of a {kind} database; restore it into a {kind} database "
            f"(--db), not {target}"
        )
    if not is_empty(engine):
        raise Refused(
            "the database to restore into is not empty: restore only into a new, empty "
            "database (nothing was changed)"
        )
    if kind == "sqlite":
        _sqlite_restore(file, _sqlite_path(engine))
        return
    args, env = _libpq(engine)
    tool = _tool("pg_restore")
    created = [_with_trigram(engine, schema) for schema in _trigram_schemas(tool, file, env)]
    command = [tool, "--no-owner", "--no-privileges", "--exit-on-error"]
    command += ["--single-transaction", *args, str(file)]
    try:
        _run(command, env, "pg_restore")
    except InvalidInput:
        if any(created):  # the restore changed nothing: neither does this
            with engine.begin() as connection:
                connection.execute(text(f"DROP EXTENSION IF EXISTS {TRIGRAM}"))
        raise


TRIGRAM = "pg_trgm"
_TRIGRAM_CLASS = re.compile(r'("(?:[^"]|"")+"|[A-Za-z_][\w$]*)\.gin_trgm_ops\b')


def _trigram_schemas(tool: str, file: Path, env: dict[str, str]) -> set[str]:
    """The schemas in which the archive's indexes look for ``pg_trgm``'s operator classes."""
    done = subprocess.run(
        [tool, "--schema-only", "--file=-", str(file)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["no message"])[0]
        raise InvalidInput(f"pg_restore cannot read {file}: {first}")
    return {
        name[1:-1].replace('""', '"') if name.startswith('"') else name
        for name in _TRIGRAM_CLASS.findall(done.stdout)
    }


def _with_trigram(engine: Engine, schema: str) -> bool:
    """Make sure ``pg_trgm`` is installed in ``schema``; return whether it was created now.

    Raises:
        Refused: it is installed in another schema, or cannot be created (the reason and
            the administrator's statement named).
    """
    fix = (
        f"have the server's administrator run CREATE EXTENSION {TRIGRAM} SCHEMA {schema} in "
        f'database "{engine.url.database}" (Debian: apt-get install postgresql-contrib), then '
        "restore again; nothing was changed"
    )
    need = f"the backup's search indexes need the PostgreSQL extension {TRIGRAM} in schema {schema}"
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = :name"),
            {"name": TRIGRAM},
        ).scalar()
        if found is not None:
            if found.strip('"') != schema:
                raise Refused(f"{need}, and this database has it in schema {found}: {fix}")
            return False
        quoted_schema = '"' + schema.replace('"', '""') + '"'
        try:
            connection.execute(text(f"CREATE EXTENSION {TRIGRAM} SCHEMA {quoted_schema}"))
            connection.commit()
        except DBAPIError as exc:
            reason = str(exc.orig or exc).strip().splitlines()[0]
            raise Refused(f"{need}, which cannot be created here ({reason}): {fix}") from exc
    return True


def _sqlite_restore(file: Path, target: Path) -> None:
    try:
        with sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True) as origin:
            problem = origin.execute("PRAGMA integrity_check").fetchone()[0]
            if problem != "ok":
                raise InvalidInput(f"{file} is damaged: {problem}")
            with sqlite3.connect(target) as copy:
                origin.backup(copy)
            copy.close()
        origin.close()
    except sqlite3.Error as exc:
        raise InvalidInput(f"{file} cannot be restored ({exc})") from exc
