"""A file refused before it is stored, and what each refusal of its content says.

The refusals of :mod:`procure.services.documents.inspect` name the file (quoted, so that no
character of it can hide) and say what is wrong, in the language in use.
"""

from __future__ import annotations

from procure.domain.errors import InvalidInput
from procure.domain.language import N_

ACCEPTED = N_("PDF, OFD, PNG, JPEG, Word (.docx) or Excel (.xlsx)")
"""The kinds accepted, as a refusal lists them (translated where it is shown)."""

REFUSED_CONTENT = {
    "program": N_(
        "The file %(name)s holds a program or a script, which is not an accepted type (only "
        "%(accepted)s); refused"
    ),
    "svg": N_(
        "The file %(name)s holds an SVG drawing (which may carry scripts), which is not an "
        "accepted type (only %(accepted)s); refused"
    ),
    "html": N_(
        "The file %(name)s holds an HTML/XML page (which may carry scripts), which is not an "
        "accepted type (only %(accepted)s); refused"
    ),
    "old_office": N_(
        "The file %(name)s holds an old Office file (.doc/.xls) or an encrypted Office file "
        "(save it as .docx/.xlsx or PDF), which is not an accepted type (only %(accepted)s); "
        "refused"
    ),
    "picture": N_(
        "The file %(name)s holds a picture in a format that is not accepted (only "
        "%(accepted)s); refused"
    ),
    "unknown": N_(
        "The file %(name)s holds an unknown format, which is not an accepted type (only "
        "%(accepted)s); refused"
    ),
}
"""The refusal of each kind of content that is none of ours, by what it looks like."""


class HostileFile(InvalidInput):
    """An upload refused before storing; the message says why (in the language in use) and
    names the file."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
