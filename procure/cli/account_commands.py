"""``procure users``: accounts and their grants (an administrator's work)."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

import click

from procure.cli.output import json_option, open_session, print_json, print_table
from procure.domain.language import N_, _, pgettext
from procure.workflow.roles import role_label

BY_HELP = N_("The administrator acting (not needed while the database has no administrator).")
ROLE_SCOPE_HELP = N_(
    "Scope: a purchaser (covers those below it), one organization, or neither (all)."
)


def _admin(by: str | None) -> Any:
    from procure.services.accounts.authorization import SETUP_ACTOR
    from procure.workflow.context import Actor

    return Actor(by, "admin") if by else SETUP_ACTOR


@click.group(help=N_("Accounts: add, grant, revoke, deactivate, set a password, list."))
def users() -> None:
    pass


@users.command("add", help=N_("Add an account LOGIN (no grants, no password yet)."))
@click.argument("login")
@click.option("--name", required=True, help=N_("Display name, e.g. 李秀梅."))
@click.option("--by", metavar="LOGIN", help=BY_HELP)
@click.pass_context
def add(ctx: click.Context, login: str, name: str, by: str | None) -> None:
    from procure.services.accounts import manage as accounts

    with open_session(ctx) as session:
        user = accounts.add_user(session, login, name, _admin(by))
        session.commit()
    click.echo(_("Account added: %(login)s (%(name)s)", login=user.login, name=user.name))


def _scope_options(command: Any) -> Any:
    command = click.option("--organization", metavar="USCC", help=N_("An organization's USCC."))(
        command
    )
    return click.option("--purchaser", metavar="CODE", help=ROLE_SCOPE_HELP)(command)


@users.command(
    "grant",
    help=N_("Grant ROLE to LOGIN for a purchaser (--purchaser), an organization or everywhere."),
)
@click.argument("login")
@click.argument("role")
@_scope_options
@click.option("--by", metavar="LOGIN", help=BY_HELP)
@click.pass_context
def grant(
    ctx: click.Context,
    login: str,
    role: str,
    purchaser: str | None,
    organization: str | None,
    by: str | None,
) -> None:
    where = _change_grant(ctx, "grant", login, role, purchaser, organization, by)
    click.echo(
        _(
            "Granted: %(login)s, %(role)s, for %(scope)s",
            login=login,
            role=role_label(role),
            scope=where,
        )
    )


@users.command(
    "revoke", help=N_("Revoke LOGIN's ROLE grant (the grant stays on record, marked revoked).")
)
@click.argument("login")
@click.argument("role")
@_scope_options
@click.option("--by", metavar="LOGIN", help=BY_HELP)
@click.pass_context
def revoke(
    ctx: click.Context,
    login: str,
    role: str,
    purchaser: str | None,
    organization: str | None,
    by: str | None,
) -> None:
    where = _change_grant(ctx, "revoke", login, role, purchaser, organization, by)
    click.echo(
        _(
            "Revoked: %(login)s, %(role)s, for %(scope)s",
            login=login,
            role=role_label(role),
            scope=where,
        )
    )


def _change_grant(
    ctx: click.Context,
    change: str,
    login: str,
    role: str,
    purchaser: str | None,
    organization: str | None,
    by: str | None,
) -> str:
    """Grant or revoke (``change``) in a transaction of its own; return the scope as named."""
    from procure.services.accounts import manage as accounts

    with open_session(ctx) as session:
        getattr(accounts, change)(
            session, login, role, _admin(by), purchaser=purchaser, organization=organization
        )
        session.commit()
    return purchaser or organization or _("all purchasers")


@users.command(
    "deactivate", help=N_("Deactivate LOGIN: it can no longer act; its past steps keep naming it.")
)
@click.argument("login")
@click.option("--by", metavar="LOGIN", help=BY_HELP)
@click.pass_context
def deactivate(ctx: click.Context, login: str, by: str | None) -> None:
    from procure.services.accounts import manage as accounts

    with open_session(ctx) as session:
        user = accounts.deactivate(session, login, _admin(by))
        session.commit()
    click.echo(_("Account deactivated: %(login)s (%(name)s)", login=user.login, name=user.name))


@users.command(
    "email",
    help=N_("Set the e-mail ADDRESS LOGIN's reminders are sent to (none given: remove it)."),
)
@click.argument("login")
@click.argument("address", required=False)
@click.option("--by", metavar="LOGIN", help=BY_HELP)
@click.pass_context
def email(ctx: click.Context, login: str, address: str | None, by: str | None) -> None:
    from procure.services.accounts import manage as accounts

    with open_session(ctx) as session:
        user = accounts.set_email(session, login, address, _admin(by))
        session.commit()
    if user.email:
        click.echo(_("E-mail set: %(login)s %(email)s", login=user.login, email=user.email))
    else:
        click.echo(_("E-mail removed: %(login)s", login=user.login))


def _read_password(confirm: bool) -> str:
    """The password from the terminal (hidden, asked twice) or the first line of stdin."""
    if sys.stdin.isatty():
        return str(
            click.prompt(
                pgettext("cli", "Password"),
                hide_input=True,
                confirmation_prompt=_("Repeat the password") if confirm else False,
            )
        )
    raw = sys.stdin.buffer.readline()
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        from procure.domain.errors import InvalidInput

        raise InvalidInput(
            _(
                "the password on stdin is not UTF-8 text (byte %(position)s of its line, "
                "%(byte)s, is not UTF-8); write it as UTF-8",
                position=exc.start + 1,
                byte=format(raw[exc.start], "#04x"),
            )
        ) from None
    return line.removesuffix("\n").removesuffix("\r")


@users.command(
    "passwd",
    help=N_("Set LOGIN's password, read from stdin (at least 10 characters; stored as Argon2)."),
)
@click.argument("login")
@click.option(
    "--by", metavar="LOGIN", help=N_("An administrator setting it (default: LOGIN itself).")
)
@click.pass_context
def passwd(ctx: click.Context, login: str, by: str | None) -> None:
    from procure.services.accounts import manage as accounts
    from procure.workflow.context import Actor

    password = _read_password(confirm=True)
    actor = Actor(by, "admin") if by else Actor(login, "admin")
    with open_session(ctx) as session:
        accounts.set_password(session, login, password, actor)
        session.commit()
    click.echo(_("Password set for %(login)s", login=login))


@users.command(
    "check",
    help=N_("Check a password read from stdin against LOGIN's (exit 0 if it matches, else 1)."),
)
@click.argument("login")
@click.pass_context
def check(ctx: click.Context, login: str) -> None:
    from procure.domain.errors import Refused
    from procure.services.accounts import manage as accounts

    password = _read_password(confirm=False)
    with open_session(ctx) as session:
        matches = accounts.check_password(session, login, password)
    if not matches:
        raise Refused(_("password check failed for %(login)s", login=login))
    click.echo(_("Password matches for %(login)s", login=login))


@users.command("list", help=N_("List every account with its active grants (never a password)."))
@json_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    from procure.services.accounts import manage as accounts

    with open_session(ctx) as session:
        views = accounts.list_users(session)
    if as_json:
        print_json([asdict(view) for view in views])
        return
    print_table(
        pgettext("cli", "Accounts"),
        [
            pgettext("cli", "Login"),
            pgettext("cli", "Display name"),
            pgettext("cli", "Status"),
            pgettext("cli", "Password"),
            pgettext("cli", "Grants"),
        ],
        [
            (
                v.login,
                v.name,
                pgettext("cli", "Active") if v.active else pgettext("cli", "Deactivated"),
                pgettext("cli", "Set") if v.has_password else pgettext("cli", "Not set"),
                "; ".join(f"{role_label(g.role)} @ {g.scope}" for g in v.grants) or "—",
            )
            for v in views
        ],
    )
