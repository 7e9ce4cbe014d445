"""``procure users``: accounts and their grants (an administrator's work)."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

import click

from procure.cli.output import json_option, open_session, print_json, print_table

BY_HELP = "The administrator acting (not needed while the database has no administrator)."
ROLE_SCOPE_HELP = "Scope: a purchaser (covers those below it), one organization, or neither (all)."


def _admin(by: str | None) -> Any:
    from procure.services.accounts.authorization import SETUP_ACTOR
    from procure.workflow.context import Actor

    return Actor(by, "admin") if by else SETUP_ACTOR


@click.group()
def users() -> None:
    """Accounts: add, grant, revoke, deactivate, set a password, list."""


@users.command("add")
@click.argument("login")
@click.option("--name", required=True, help="Display name (显示名), e.g. 李秀梅.")
@click.option("--by", metavar="LOGIN", help=BY_HELP)
@click.pass_context
def add(ctx: click.Context, login: str, name: str, by: str | None) -> None:
    """Add an account LOGIN (no grants, no password yet)."""
    from procure.services.accounts import manage as accounts

    with open_session(ctx) as session:
        user = accounts.add_user(session, login, name, _admin(by))
        session.commit()
    click.echo(f"已添加账号 account added: {user.login} ({user.name})")


def _scope_options(command: Any) -> Any:
    command = click.option("--organization", metavar="USCC", help="An organization's USCC.")(
        command
    )
    return click.option("--purchaser", metavar="CODE", help=ROLE_SCOPE_HELP)(command)


@users.command("grant")
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
    """Grant ROLE to LOGIN for a purchaser (--purchaser), an organization or everywhere."""
    where = _change_grant(ctx, "grant", login, role, purchaser, organization, by)
    click.echo(f"已授权 granted: {login} {role} for {where}")


@users.command("revoke")
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
    """Revoke LOGIN's ROLE grant (the grant stays on record, marked revoked)."""
    where = _change_grant(ctx, "revoke", login, role, purchaser, organization, by)
    click.echo(f"已撤销授权 revoked: {login} {role} for {where}")


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
    return purchaser or organization or "all purchasers"


@users.command("deactivate")
@click.argument("login")
@click.option("--by", metavar="LOGIN", help=BY_HELP)
@click.pass_context
def deactivate(ctx: click.Context, login: str, by: str | None) -> None:
    """Deactivate LOGIN: it can no longer act; its past steps keep naming it."""
    from procure.services.accounts import manage as accounts

    with open_session(ctx) as session:
        user = accounts.deactivate(session, login, _admin(by))
        session.commit()
    click.echo(f"已停用账号 account deactivated: {user.login} ({user.name})")


@users.command("email")
@click.argument("login")
@click.argument("address", required=False)
@click.option("--by", metavar="LOGIN", help=BY_HELP)
@click.pass_context
def email(ctx: click.Context, login: str, address: str | None, by: str | None) -> None:
    """Set the e-mail ADDRESS LOGIN's reminders are sent to (none given: remove it)."""
    from procure.services.accounts import manage as accounts

    with open_session(ctx) as session:
        user = accounts.set_email(session, login, address, _admin(by))
        session.commit()
    click.echo(f"已设置邮箱 e-mail set: {user.login} {user.email or '(none)'}")


def _read_password(confirm: bool) -> str:
    """The password from the terminal (hidden, asked twice) or the first line of stdin."""
    if sys.stdin.isatty():
        return str(click.prompt("密码 Password", hide_input=True, confirmation_prompt=confirm))
    raw = sys.stdin.buffer.readline()
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        from procure.domain.errors import InvalidInput

        raise InvalidInput(
            f"the password on stdin is not UTF-8 text (byte {exc.start + 1} of its line, "
            f"0x{raw[exc.start]:02x}, is not UTF-8); write it as UTF-8"
        ) from None
    return line.removesuffix("\n").removesuffix("\r")


@users.command("passwd")
@click.argument("login")
@click.option("--by", metavar="LOGIN", help="An administrator setting it (default: LOGIN itself).")
@click.pass_context
def passwd(ctx: click.Context, login: str, by: str | None) -> None:
    """Set LOGIN's password, read from stdin (at least 10 characters; stored as Argon2)."""
    from procure.services.accounts import manage as accounts
    from procure.workflow.context import Actor

    password = _read_password(confirm=True)
    actor = Actor(by, "admin") if by else Actor(login, "admin")
    with open_session(ctx) as session:
        accounts.set_password(session, login, password, actor)
        session.commit()
    click.echo(f"已设置密码 password set for {login}")


@users.command("check")
@click.argument("login")
@click.pass_context
def check(ctx: click.Context, login: str) -> None:
    """Check a password read from stdin against LOGIN's (exit 0 if it matches, else 1)."""
    from procure.domain.errors import Refused
    from procure.services.accounts import manage as accounts

    password = _read_password(confirm=False)
    with open_session(ctx) as session:
        matches = accounts.check_password(session, login, password)
    if not matches:
        raise Refused(f"password check failed for {login}")
    click.echo(f"密码正确 password matches for {login}")


@users.command("list")
@json_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """List every account with its active grants (never a password)."""
    from procure.services.accounts import manage as accounts

    with open_session(ctx) as session:
        views = accounts.list_users(session)
    if as_json:
        print_json([asdict(view) for view in views])
        return
    print_table(
        "账号 Accounts",
        ["登录名 Login", "显示名 Name", "状态 Active", "密码 Password", "授权 Grants"],
        [
            (
                v.login,
                v.name,
                "启用" if v.active else "停用",
                "已设置" if v.has_password else "未设置",
                "; ".join(f"{g.role} @ {g.scope}" for g in v.grants) or "—",
            )
            for v in views
        ],
    )
