"""The attached files in an auditor's dossier: shipped by their SHA-256, or their hashes only.

Each file of the dossier's projects is listed in the manifest (``attachments``: project,
number, name, size, SHA-256, and whether its bytes are included). Its bytes travel as
``files/<sha256>`` (once, however many uploads share them) unless it is larger than the
size the auditor chose (``--files-up-to``): then only its hash, which the trail row of its
upload also carries. :func:`attachment_problems` checks, without the database, each upload's
``attach`` row of the trail against the manifest and each shipped file against its row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select
from sqlmodel import Session

from procure.domain.documents import ATTACH_TRIGGER
from procure.domain.language import _
from procure.services.opendata.dossier_zip import Content
from procure.store.document_models import Attachment, DocumentBlob
from procure.store.models import Project, TransitionLog

FILES = "files/"


def _t(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def attachment_files(
    session: Session,
    codes: Iterable[str],
    up_to: int | None,
    folder: Path,
    *,
    uploads: Collection[tuple[str, int]] | None = None,
) -> tuple[dict[str, Content], list[dict[str, Any]]]:
    """The files of projects ``codes`` to ship (written into ``folder``, by zip entry name)
    and the manifest's list of every attachment of those projects.

    Args:
        up_to: ship the bytes of files of at most this many bytes (None: every file).
        uploads: only these (project, number), the uploads the shipped trail records
            (None: every one).
    """
    a, p, b = _t(Attachment), _t(Project), _t(DocumentBlob)
    statement = (
        select(p.c.code, a.c.number, a.c.name, a.c.size, a.c.sha256)
        .select_from(a.join(p, p.c.id == a.c.project_id))
        .where(p.c.code.in_(sorted(codes)))
        .order_by(p.c.code, a.c.number)
    )
    files: dict[str, Content] = {}
    listing = []
    folder.mkdir(parents=True, exist_ok=True)
    for code, number, name, size, sha256 in session.connection().execute(statement).all():
        if uploads is not None and (code, number) not in uploads:
            continue  # uploaded after the trail's last row: the next dossier lists it
        included = up_to is None or size <= up_to
        entry = f"{FILES}{sha256}"
        if included and entry not in files:
            data = session.connection().execute(select(b.c.data).where(b.c.sha256 == sha256))
            path = folder / sha256
            path.write_bytes(bytes(data.scalar() or b""))
            files[entry] = path
        listing.append(
            {
                "project": code,
                "number": number,
                "name": name,
                "size": size,
                "sha256": sha256,
                "included": included,
            }
        )
    return files, listing


def attachment_problems(
    files: Mapping[str, bytes], manifest: Mapping[str, Any], rows: Iterable[TransitionLog]
) -> list[tuple[str, list[str], str]]:
    """Each upload of the manifest's projects checked against its trail row: one
    ``(subject, problems, passed)`` per file, and one per listed file no row explains."""
    projects = manifest.get("projects")
    codes = {str(code) for code in projects} if isinstance(projects, list) else set()
    listed = _listed(manifest.get("attachments"))
    checks = []
    for row in rows:
        if row.trigger != ATTACH_TRIGGER or row.project_code not in codes:
            continue
        data = json.loads(row.data) if row.data else {}
        key = (str(row.project_code), data.get("number"))
        subject = f"{key[0]} attachment #{key[1]}"
        entry = listed.pop(key, None)
        checks.append((subject, _problems(files, row, data, entry), _passed(data, entry)))
    for (code, number), _entry in sorted(listed.items(), key=str):
        problem = _("listed in the manifest, but no trail row records its upload")
        checks.append((f"{code} attachment #{number}", [problem], ""))
    return checks


def _listed(raw: object) -> dict[tuple[str, Any], dict[str, Any]]:
    if not isinstance(raw, list):
        return {}
    return {
        (str(item.get("project")), item.get("number")): item
        for item in raw
        if isinstance(item, dict)
    }


def _problems(
    files: Mapping[str, bytes], row: TransitionLog, data: dict[str, Any], entry: Any
) -> list[str]:
    sha256 = data.get("sha256")
    if entry is None:
        return [
            _(
                "trail row #%(seq)s records the upload of %(name)s; the manifest does not list it",
                seq=row.seq,
                name=repr(data.get("name")),
            )
        ]
    problems = []
    if entry.get("sha256") != sha256:
        problems.append(
            _("the manifest's SHA-256 is not the one trail row #%(seq)s records", seq=row.seq)
        )
    if not entry.get("included"):
        return problems
    name = f"{FILES}{sha256}"
    shipped = files.get(name)
    if shipped is None:
        problems.append(_("%(file)s is missing from the dossier", file=name))
    elif hashlib.sha256(shipped).hexdigest() != sha256:
        problems.append(
            _(
                "its bytes do not hash to the SHA-256 trail row #%(seq)s records: "
                "the file was replaced",
                seq=row.seq,
            )
        )
    return problems


def _passed(data: dict[str, Any], entry: Any) -> str:
    if entry and entry.get("included"):
        return _(
            "%(name)s: included, its bytes hash as the trail row of its upload records",
            name=data.get("name"),
        )
    return _(
        "%(name)s: hash only, it hashes as the trail row of its upload records",
        name=data.get("name"),
    )
