"""The ``procure`` command line: thin commands that call services and print.

Errors become one line on stderr: exit code 1 for a refused or invalid request,
2 for bad usage, never a traceback. Importing this package opens no database and
imports no PDF machinery, so ``procure --help`` stays fast.
"""

from __future__ import annotations

import sys

import click

from procure.domain.errors import ProcureError
from procure.domain.language import _

MAX_ERROR_CHARS = 1000


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script exits with it), in the
    language ``LANG`` names (Chinese unless it names English)."""
    import os

    from procure.domain.language import language_from_environment, use_language

    with use_language(language_from_environment(os.environ)):
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    from procure.cli.app import cli

    try:
        result = cli.main(args=argv, prog_name="procure", standalone_mode=False)
    except click.exceptions.UsageError as exc:
        if exc.ctx:
            _say(
                _(
                    "usage error: %(message)s (try '%(command)s --help')",
                    message=exc.format_message(),
                    command=exc.ctx.command_path,
                )
            )
        else:
            _say(_("usage error: %(message)s", message=exc.format_message()))
        return 2
    except click.exceptions.Abort:
        _say(_("aborted"))
        return 130
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        _say(_("error: %(message)s", message=exc.format_message()))
        return 1
    except ProcureError as exc:
        _say(_("error: %(message)s", message=exc))
        return 1
    except KeyboardInterrupt:
        _say(_("interrupted"))
        return 130
    except Exception as exc:  # a database or system failure: one line, not a traceback
        from procure.cli.failures import describe_failure
        from procure.store import conflicts

        if conflicts.is_busy(exc):  # waited the bounded time for another writer
            _say(_("error: %(message)s", message=conflicts.busy("procure")))
            return 1
        message = describe_failure(exc)
        if message is None:
            raise
        _say(_("error: %(message)s", message=message))
        return 1
    return int(result) if isinstance(result, int) else 0


def _say(line: str) -> None:
    """Print one error line: control characters spelled out, newlines too, length capped."""
    from procure.domain.text import visible

    text = visible(line)
    if len(text) > MAX_ERROR_CHARS:
        text = _("%(text)s… (%(count)s characters)", text=text[:MAX_ERROR_CHARS], count=len(text))
    click.echo(text, err=True)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
