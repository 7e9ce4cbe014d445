"""Ways someone holding a dossier changes it: replace, add or remove a file, optionally
re-sealing the manifest (new SHA-256 and size) so that only the deeper checks can tell."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from procure.reports.data import verification_code
from procure.reports.render import ATTACHMENT_NAME
from procure.reports.verify import CODE_PREFIX

MANIFEST = "manifest.json"


def files_of(dossier: Path) -> dict[str, bytes]:
    """Every file of a dossier, by name."""
    with zipfile.ZipFile(dossier) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write(target: Path, files: dict[str, bytes]) -> Path:
    """Write ``files`` as a zip at ``target``."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return target


def reseal(files: dict[str, bytes]) -> dict[str, bytes]:
    """The files with the manifest listing their SHA-256 and size as they are now."""
    manifest = json.loads(files[MANIFEST])
    manifest["files"] = [
        {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in sorted(files.items())
        if name != MANIFEST
    ]
    return {**files, MANIFEST: json.dumps(manifest).encode()}


def edited(
    dossier: Path,
    target: Path,
    name: str,
    change: Callable[[bytes], bytes | None],
    *,
    sealed: bool = False,
) -> Path:
    """A copy of ``dossier`` with file ``name`` changed (None: removed), re-sealed or not."""
    files = files_of(dossier)
    changed = change(files[name]) if name in files else change(b"")
    if changed is None:
        files.pop(name)
    else:
        files[name] = changed
    return write(target, reseal(files) if sealed else files)


def first_record(dossier: Path) -> str:
    """The name of the dossier's first record PDF."""
    return sorted(name for name in files_of(dossier) if name.startswith("records/"))[0]


def with_record_data(pdf: bytes, edit: Callable[[dict[str, Any]], None]) -> bytes:
    """The PDF with its embedded record edited and its printed code recomputed to match:
    a consistent forgery that only a comparison with the trail can catch."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    names = writer._root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = names[names.index(ATTACHMENT_NAME) + 1].get_object()
    stream = spec["/EF"]["/F"].get_object()
    attached = json.loads(stream.get_data())
    checkpoint = attached.pop("checkpoint", None)
    edit(attached)
    code = verification_code(attached)
    stream.set_data(json.dumps({**attached, "checkpoint": checkpoint}).encode())
    writer.add_metadata({"/Keywords": f"{CODE_PREFIX}{code}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
