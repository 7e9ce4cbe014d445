"""PLACEHOLDER for the OCDS release package (replaced at merge by the real module).

The real :func:`release_package` is built on the ``ocds`` branch; this stand-in only keeps
its signature so the dossier can ship an ``ocds.json`` until then. It returns a minimal,
valid-shaped release package with no releases: do not rely on its content.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session


def release_package(
    session: Session,
    year: int,
    purchaser: str | None = None,
    *,
    published: datetime | None = None,
) -> dict[str, Any]:
    """PLACEHOLDER: a release package with no releases (the real one lists the year's).

    Args:
        session: an open session (unused here).
        year: the funding year.
        purchaser: only this purchaser's projects (unused here).
        published: the package's publication moment (default: none stated).

    Returns:
        A minimal OCDS 1.1 release package dict.
    """
    del session
    return {
        "uri": f"urn:procure:ocds:{year}:{purchaser or 'all'}",
        "version": "1.1",
        "publishedDate": published.isoformat() if published is not None else None,
        "publisher": {"name": "procure (placeholder)"},
        "releases": [],
    }
