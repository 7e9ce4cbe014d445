"""Whether a PDF may be stored: readable, not encrypted, no script or action run by itself.

Read with pypdf (imported when a PDF arrives); a damaged file may lead it anywhere, so any
error is a refusal naming the file.
"""

from __future__ import annotations

import io
import logging

from procure.domain.language import _
from procure.services.documents.hostile import HostileFile


def check_pdf(data: bytes, shown: str) -> None:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair notes are not ours to print
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise HostileFile(
                _(
                    "The file %(name)s is an encrypted PDF (a password or restricted "
                    "permissions), whose content neither the panel nor the auditors can check; "
                    "save it as a PDF without encryption and upload it again; refused",
                    name=shown,
                )
            )
        root = reader.trailer["/Root"].get_object()
        scripted = _runs_actions(root) or b"/JavaScript" in data or b"/Launch" in data
        pages = len(reader.pages)
    except HostileFile:
        raise
    except (Exception, RecursionError) as exc:  # a damaged file can lead pypdf anywhere
        raise HostileFile(
            _(
                "The file %(name)s is not a readable PDF (%(error)s); refused",
                name=shown,
                error=type(exc).__name__,
            )
        ) from exc
    if scripted:
        raise HostileFile(
            _(
                "The file %(name)s is a PDF that runs a script or an action by itself when it "
                "is opened; save it as a plain PDF and upload it again; refused",
                name=shown,
            )
        )
    if pages == 0:
        raise HostileFile(_("The file %(name)s is a PDF without pages; refused", name=shown))


_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/Rendition"})
"""Actions a PDF may run by itself that reach beyond the page (a link to a page is fine)."""


def _runs_actions(root: object) -> bool:
    """Whether the catalog runs a script or program on opening, or names document scripts."""
    from pypdf.generic import DictionaryObject

    if not isinstance(root, DictionaryObject):
        return False
    names = root.get("/Names")
    names = names.get_object() if names is not None else None
    if isinstance(names, DictionaryObject) and "/JavaScript" in names:
        return True
    opening = root.get("/OpenAction")
    opening = opening.get_object() if opening is not None else None
    if isinstance(opening, DictionaryObject) and opening.get("/S") in _ACTIONS:
        return True
    return "/AA" in root
