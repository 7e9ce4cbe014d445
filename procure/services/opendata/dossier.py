"""Export the auditor's dossier of a year: records, trail, checkpoints, key, OCDS, manifest.

What the zip holds, and why the trail is the whole chain, is told in
:mod:`procure.services.opendata.dossier_format`. The dossier is reproducible: its
moment (the manifest's ``created_at``, every entry's date) is the moment of the last
trail row it ships, the records print the same bytes from the same data, and a
checkpoint is reused while the chain's head has not moved, so exporting the same data
twice gives the same zip.

With a signing key, a checkpoint of the chain's head is signed (or the newest reused) as
for ``procure report print``: the records carry it and the trail ends at it. Without
one, the newest stored checkpoint names the key, the records carry none, and the trail
runs to the current head (rows after that checkpoint are shipped, and the check says
they are not covered by a signature).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sqlmodel import Session

from procure.domain.checkpoint import Checkpoint, fingerprint
from procure.domain.documents import ATTACH_TRIGGER
from procure.domain.errors import InvalidInput, ProcureError, Refused
from procure.domain.language import _
from procure.reports.data import RECORD_FORMAT, record_codes
from procure.services.opendata import ocds
from procure.services.opendata.dossier_files import attachment_files
from procure.services.opendata.dossier_format import (
    CHECKPOINTS,
    DOSSIER_FORMAT,
    MANIFEST,
    OCDS,
    PUBLIC_KEY,
    RECORDS,
    TRAIL,
    json_bytes,
    trail_line,
)
from procure.services.opendata.dossier_zip import Content, file_digest, write_zip
from procure.services.trail.checkpoints import Signer, file_name, take_checkpoint
from procure.services.visibility.exports import check_dossier_reader
from procure.store import checkpoints as stored_checkpoints
from procure.store.audit import iter_log, peek_head
from procure.store.db import snapshot
from procure.store.keyfile import public_key_pem


@dataclass(frozen=True)
class DossierSummary:
    """What an exported dossier holds."""

    file: str
    year: int
    purchaser: str | None
    records: int
    trail_rows: int
    checkpoints: int
    key_fingerprint: str
    created_at: str
    sha256: str


def export_dossier(
    session: Session,
    *,
    url: str,
    year: int,
    purchaser: str | None,
    output: Path,
    signer: Signer | None,
    jobs: int | None = None,
    records_folder: Path | None = None,
    signed_at: datetime | None = None,
    files_up_to: int | None = None,
) -> DossierSummary:
    """Write the dossier of ``year`` (one purchaser's, or every one's) to the zip ``output``.

    Args:
        session: an open session (a checkpoint is committed when one is signed).
        url: the database URL the record printers open.
        year: the funding year.
        purchaser: only this purchaser's projects.
        output: the zip file to write (replaced whole, never half-written).
        signer: the audit signing key, or None to ship the stored checkpoints only.
        jobs: record printing processes (default: every core).
        records_folder: print the records into this folder, keeping the files already
            current there (same code, same checkpoint), as ``procure report --year`` does;
            by default they are printed afresh into a scratch folder.
        signed_at: the moment a new checkpoint states (default: now).
        files_up_to: ship the bytes of attached files of at most this many bytes, the
            hashes only of larger ones (default: every file's bytes).

    Raises:
        NotFound: an unknown purchaser.
        InvalidInput: no contracted project that year, or ``output`` is a folder.
        Refused: no checkpoint can be shipped (no key given, none stored), or the policy
            hides from the auditor a kind of fact the dossier carries.
        ProcureError: a record could not be printed (each one named).
    """
    if output.is_dir():
        raise InvalidInput(
            _(
                "%(path)s is a folder; give the zip file to write, e.g. %(file)s",
                path=output,
                file="dossier.zip",
            )
        )
    check_dossier_reader()
    codes = record_codes(session, year=year, purchaser=purchaser)
    if not codes:
        raise InvalidInput(
            _(
                "no contracted project in %(year)s for %(purchaser)s",
                year=year,
                purchaser=purchaser,
            )
            if purchaser
            else _("no contracted project in %(year)s", year=year)
        )
    head, key, carried = _signed_head(session, signer, signed_at)
    session.commit()  # ends the read transaction: what is shipped is read in one snapshot
    with tempfile.TemporaryDirectory(prefix="procure-dossier-") as folder:
        scratch = Path(folder)
        # the trail, the checkpoints, the OCDS and the files at one moment: an upload
        # landing meanwhile is in none of them (nor one after ``head``: not in the trail)
        with snapshot(session.get_bind().engine) as reading:
            trail_rows, created_at, uploads = _trail(reading, head, scratch / "trail.jsonl")
            shipped = [
                c
                for c in stored_checkpoints.stored(reading)
                if c.public_key == key and c.seq <= head
            ]
            moment = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
            with (scratch / "ocds.json").open("wb") as target:
                ocds.write_package(
                    reading, target, year, purchaser, published=moment, sort_keys=True
                )
            attached, listing = attachment_files(
                reading, codes, files_up_to, scratch / "files", uploads=uploads
            )
        files: dict[str, Content] = {
            TRAIL: scratch / "trail.jsonl",
            PUBLIC_KEY: public_key_pem(key),
            OCDS: scratch / "ocds.json",
            **{f"{CHECKPOINTS}{file_name(c)}": json_bytes(c.to_dict()) for c in shipped},
            **_records(url, codes, carried, key, jobs, records_folder or scratch / "records"),
            **attached,
        }
        manifest = _manifest(files, year, purchaser, codes, created_at, key, trail_rows)
        if listing:  # a dossier without attachments is what it always was
            manifest.update(attachments=listing, files_up_to=files_up_to)
        files[MANIFEST] = json_bytes(manifest)
        write_zip(output, files, first=MANIFEST, moment=moment)
    return DossierSummary(
        file=str(output),
        year=year,
        purchaser=purchaser,
        records=len(codes),
        trail_rows=trail_rows,
        checkpoints=len(shipped),
        key_fingerprint=fingerprint(key),
        created_at=created_at,
        sha256=file_digest(output),
    )


def _signed_head(
    session: Session, signer: Signer | None, signed_at: datetime | None
) -> tuple[int, str, dict[str, Any] | None]:
    """The last trail row shipped, the dossier's key and the checkpoint the records carry."""
    if signer is not None:
        signed = take_checkpoint(session, signer, at=signed_at)
        return signed.seq, signer.public_key, signed.to_dict()
    kept = stored_checkpoints.stored(session)
    if not kept:
        session.rollback()
        raise Refused(
            _(
                "no dossier written: it needs a signed checkpoint and none is stored; give the "
                "signing key (--key, or PROCURE_AUDIT_KEY; `procure keys init` creates one)"
            )
        )
    newest: Checkpoint = max(kept, key=lambda c: c.seq)
    return peek_head(session)[0], newest.public_key, None


def _trail(session: Session, head: int, path: Path) -> tuple[int, str, set[tuple[str, int]]]:
    """Write the chain's rows up to ``head`` to ``path`` as lines; how many, the last one's
    moment, and the uploads (project, number) the rows record."""
    rows = 0
    last_at = ""
    uploads: set[tuple[str, int]] = set()
    with path.open("w", encoding="utf-8", newline="\n") as lines:
        for row in iter_log(session):
            if row.seq > head:
                break
            lines.write(f"{trail_line(row)}\n")
            rows += 1
            last_at = row.at
            if row.trigger == ATTACH_TRIGGER and row.data:
                uploads.add((str(row.project_code), json.loads(row.data).get("number")))
    return rows, last_at, uploads


def _records(
    url: str,
    codes: list[str],
    checkpoint: dict[str, Any] | None,
    key: str,
    jobs: int | None,
    folder: Path,
) -> dict[str, Content]:
    """Print the records into ``folder`` (keeping the files already current there, as a
    year batch does); each file by its name in the zip.

    A file kept as current keeps the checkpoint it was printed with: it must be one of the
    dossier's key (an older head, still in the shipped trail), or none when the dossier's
    records carry none; else it is printed again."""
    from procure.reports.batch import FAILED, SKIPPED, print_year

    outcomes = print_year(url, codes, folder, jobs=jobs, force=False, checkpoint=checkpoint)
    stale = [
        o.project
        for o in outcomes
        if o.status == SKIPPED and not _carries(Path(o.path), key, checkpoint)
    ]
    if stale:
        again = print_year(url, stale, folder, jobs=jobs, force=True, checkpoint=checkpoint)
        reprinted = {o.project: o for o in again}
        outcomes = [reprinted.get(o.project, o) for o in outcomes]
    failed = [o for o in outcomes if o.status == FAILED]
    if failed:
        named = "; ".join(f"{o.project}: {o.message}" for o in failed)
        raise ProcureError(
            _("no dossier written: records could not be printed (%(failures)s)", failures=named)
        )
    return {
        f"{RECORDS}{Path(o.path).relative_to(folder).as_posix()}": Path(o.path) for o in outcomes
    }


def _carries(path: Path, key: str, checkpoint: dict[str, Any] | None) -> bool:
    """Whether the printed record at ``path`` carries a checkpoint fit for the dossier."""
    from procure.reports.verify import read_embedded

    carried = read_embedded(path.read_bytes(), file=str(path)).checkpoint
    if carried is None:
        return checkpoint is None
    return bool(carried.get("public_key") == key)


def _manifest(
    files: dict[str, Content],
    year: int,
    purchaser: str | None,
    codes: list[str],
    created_at: str,
    key: str,
    trail_rows: int,
) -> dict[str, Any]:
    return {
        "format": DOSSIER_FORMAT,
        "procure_version": version("procure"),
        "record_format": RECORD_FORMAT,
        "year": year,
        "purchaser": purchaser,
        "projects": codes,
        "created_at": created_at,
        "trail_rows": trail_rows,
        "public_key_fingerprint": fingerprint(key),
        "files": [{"name": name, **_listed(data)} for name, data in sorted(files.items())],
    }


def _listed(content: Content) -> dict[str, Any]:
    """A file's SHA-256 and size, as the manifest lists them."""
    if isinstance(content, bytes):
        return {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
    return {"sha256": file_digest(content), "size": content.stat().st_size}
