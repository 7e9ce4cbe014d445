"""``procure users language``: the language an account reads pages, e-mail and job summaries in."""

from __future__ import annotations

import click

from procure.cli.output import open_session
from procure.domain.language import N_, _, pgettext


@click.command(
    "language",
    help=N_("Set the language LOGIN reads pages, e-mail and job summaries in (zh_CN or en)."),
)
@click.argument("login")
@click.argument("language", metavar="zh_CN|en")
@click.option(
    "--by",
    metavar="LOGIN",
    help=N_("The administrator acting (not needed while the database has no administrator)."),
)
@click.pass_context
def language(ctx: click.Context, login: str, language: str, by: str | None) -> None:
    from procure.services.accounts.authorization import SETUP_ACTOR
    from procure.services.accounts.language import set_language
    from procure.services.lifecycle.clock import now_utc
    from procure.workflow.context import Actor

    actor = Actor(by, "admin") if by else SETUP_ACTOR
    with open_session(ctx) as session:
        user = set_language(session, login, language, actor, at=now_utc())
        session.commit()
        login, chosen = user.login, user.language
    name = pgettext("language", "English") if chosen == "en" else pgettext("language", "Chinese")
    click.echo(_("%(login)s now reads procure in %(language)s.", login=login, language=name))
