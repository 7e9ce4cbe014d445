"""The ``procure`` command line: thin commands that call services and print.

Errors become one line on stderr: exit code 1 for a refused or invalid request,
2 for bad usage, never a traceback. Importing this package opens no database and
imports no PDF machinery, so ``procure --help`` stays fast.
"""

from __future__ import annotations

import sys

import click

from procure.domain.errors import ProcureError


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script exits with it)."""
    from procure.cli.app import cli

    try:
        result = cli.main(args=argv, prog_name="procure", standalone_mode=False)
    except click.exceptions.UsageError as exc:
        hint = f" (try '{exc.ctx.command_path} --help')" if exc.ctx else ""
        click.echo(f"usage error: {exc.format_message()}{hint}", err=True)
        return 2
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        return 1
    except ProcureError as exc:
        click.echo(f"error: {exc}", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except Exception as exc:  # a database or system failure: one line, not a traceback
        from sqlalchemy.exc import SQLAlchemyError

        from procure.store import conflicts

        if conflicts.is_busy(exc):  # waited the bounded time for another writer
            click.echo(f"error: {conflicts.busy('procure')}", err=True)
            return 1
        if isinstance(exc, SQLAlchemyError | OSError):
            message = str(exc).splitlines()[0]
            click.echo(f"error: {type(exc).__name__}: {message}", err=True)
            return 1
        raise
    return int(result) if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
