"""Public pages, no sign-in: per purchaser, its projects, open calls, award notices with
the panel result and objections, signed contracts and the year's assessments; an Atom feed.
Each is answered in the reader's language (``Vary: Accept-Language, Cookie``).

These pages show nothing of the person reading them and nothing private, so a browser
or proxy may keep them briefly (``Cache-Control: public, max-age`` from
``workflows/notices.yaml``, 300 seconds by default).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from xml.etree import ElementTree

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from procure.domain.bounded import YEAR
from procure.domain.language import _, current
from procure.services.public import notices as public_notices
from procure.web.deps import Reader
from procure.workflow.rules import default_rules

router = APIRouter(prefix="/public")

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot carry at all: dropped from the feed rather than made invalid."""


def _cached(response: Response) -> Response:
    seconds = default_rules().notices.cache_seconds
    response.headers["Cache-Control"] = f"public, max-age={seconds}" if seconds else "no-store"
    response.headers["Vary"] = "Accept-Language, Cookie"  # answered in the reader's language
    response.headers["Content-Language"] = "zh-CN" if current() == "zh_CN" else "en"
    return response


def _page(request: Request, name: str, context: dict[str, Any]) -> Response:
    """A public page: rendered without the signed-in account (it must not vary by reader)."""
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, f"public/{name}", context
    )
    return _cached(response)


@router.get("/")
def index(request: Request, session: Reader) -> Response:
    """Every purchaser, and the newest award notices."""
    context = {
        "purchasers": public_notices.purchasers(session),
        "latest": public_notices.feed_entries(session, limit=20),
    }
    return _page(request, "index.html", context)


@router.get("/purchasers/{code}")
def purchaser(
    request: Request, code: str, session: Reader, year: Annotated[str, Query()] = ""
) -> Response:
    """One purchaser's public year."""
    context = public_notices.purchaser_page(session, code, _year(year))
    return _page(request, "purchaser.html", context)


@router.get("/notices/{code}")
def notice(request: Request, code: str, session: Reader) -> Response:
    """One project's award notices, the panel result and the objections with their answers."""
    return _page(request, "notice.html", public_notices.notice_page(session, code))


@router.get("/feed.atom")
def feed(request: Request, session: Reader) -> Response:
    """The award notices as an Atom feed (RFC 4287), newest first."""
    entries = public_notices.feed_entries(session)
    base = request.app.state.settings.public_url or str(request.base_url).rstrip("/")
    root = ElementTree.Element("feed", xmlns=ATOM)
    _text(root, "title", _("Award notices · procure"))
    _text(root, "id", f"{base}/public/feed.atom")
    ElementTree.SubElement(root, "link", rel="self", href=f"{base}/public/feed.atom")
    ElementTree.SubElement(root, "link", rel="alternate", href=f"{base}/public/")
    newest = max((e.published_on for e in entries), default=date(2000, 1, 1))
    _text(root, "updated", _stamp(newest))
    _text(ElementTree.SubElement(root, "author"), "name", "procure")
    for entry in entries:
        item = ElementTree.SubElement(root, "entry")
        link = f"{base}/public/notices/{entry.project}"
        values = {
            "title": entry.title,
            "code": entry.project,
            "purchaser": entry.purchaser_name,
            "organization": entry.organization,
            "day": entry.published_on.isoformat(),
        }
        if entry.withdrawn:
            title = _("%(title)s (%(code)s) award notice (withdrawn, review reopened)", **values)
            summary = _(
                "%(purchaser)s: %(title)s (%(code)s), awarded to %(organization)s, published "
                "%(day)s (withdrawn, review reopened)",
                **values,
            )
        else:
            title = _("%(title)s (%(code)s) award notice", **values)
            summary = _(
                "%(purchaser)s: %(title)s (%(code)s), awarded to %(organization)s, published "
                "%(day)s",
                **values,
            )
        _text(item, "title", title)
        _text(item, "id", f"{link}#notice-{entry.number}")
        ElementTree.SubElement(item, "link", rel="alternate", href=link)
        _text(item, "updated", _stamp(entry.published_on))
        _text(item, "summary", summary)
    body = ElementTree.tostring(root, encoding="unicode", xml_declaration=False)
    document = '<?xml version="1.0" encoding="utf-8"?>\n' + body
    return _cached(Response(document.encode(), media_type="application/atom+xml; charset=utf-8"))


def _text(parent: ElementTree.Element, tag: str, value: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag)
    element.text = _NOT_XML.sub("", value)
    return element


def _stamp(day: date) -> str:
    return datetime.combine(day, time(0, 0), tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _year(text: str) -> int | None:
    return YEAR.parse_optional(text)
