"""Write a dossier zip reproducibly, and read one that may be hostile.

Writing: entries in a fixed order (the manifest first, then by name), each stamped with
the dossier's own moment (from the data, not the clock) and fixed permissions, so the
same data gives the same bytes; a large file (the trail, the OCDS package, the records)
is copied from disk into its entry a chunk at a time, never held whole.

Reading never extracts to disk: every entry is read into memory, and a zip is refused
before anything is checked when it is not a zip, when an entry's name could point
outside the dossier (absolute, ``..``, a backslash, a drive letter, a NUL), when a name
repeats, when an entry is encrypted, or when there are too many entries or more bytes
than the cap once uncompressed (counted as read, so a header that lies about its size
does not get past it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from procure.domain.errors import InvalidInput
from procure.domain.language import _

MAX_UNCOMPRESSED = 2 * 1024**3
"""The most bytes a dossier may hold uncompressed (2 GiB): a zip bomb stops here."""
MAX_ENTRIES = 200_000
_CHUNK = 1024 * 1024
_FILE_MODE = 0o644 << 16


Content = bytes | Path
"""A file of the dossier: its bytes, or the file on disk that holds them (streamed)."""


def _entries(
    files: Mapping[str, Content], *, first: str, moment: datetime
) -> list[zipfile.ZipInfo]:
    """The entries to write, ``first`` then the others by name, all stamped ``moment``."""
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)
    names = [first, *sorted(name for name in files if name != first)]
    entries = []
    for name in names:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = _FILE_MODE
        info.create_system = 3  # Unix: the same bytes whatever system writes the dossier
        entries.append(info)
    return entries


def write_zip(path: Path, files: Mapping[str, Content], *, first: str, moment: datetime) -> None:
    """Write ``files`` into a new zip at ``path`` (through a temporary file beside it,
    renamed), a file on disk copied a chunk at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with zipfile.ZipFile(temporary, "w") as archive:
            for info in _entries(files, first=first, moment=moment):
                content = files[info.filename]
                if isinstance(content, bytes):
                    archive.writestr(info, content, compresslevel=9)
                    continue
                info.file_size = content.stat().st_size
                info._compresslevel = 9  # type: ignore[attr-defined]  # as writestr sets it
                with content.open("rb") as source, archive.open(info, "w") as entry:
                    shutil.copyfileobj(source, entry, _CHUNK)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def file_digest(path: Path) -> str:
    """The SHA-256 of the file at ``path``, read a chunk at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class DossierFiles:
    """A dossier's files, by name, read into memory."""

    source: str
    files: dict[str, bytes]


def read_zip(
    path: Path, *, max_bytes: int = MAX_UNCOMPRESSED, max_entries: int = MAX_ENTRIES
) -> DossierFiles:
    """Read every file of the dossier at ``path``, refusing a hostile zip.

    Raises:
        InvalidInput: not a readable zip, or a refused entry (the message names it).
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InvalidInput(
            _("refused: %(path)s is not a zip file (%(problem)s)", path=path, problem=exc)
        ) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > max_entries:
            raise InvalidInput(
                _(
                    "refused: %(path)s holds %(count)s entries (at most %(most)s)",
                    path=path,
                    count=len(infos),
                    most=max_entries,
                )
            )
        declared = sum(info.file_size for info in infos)
        if declared > max_bytes:
            raise InvalidInput(
                _(
                    "refused: %(path)s would hold %(bytes)s bytes uncompressed (at most %(most)s): "
                    "a zip bomb or not a dossier",
                    path=path,
                    bytes=declared,
                    most=max_bytes,
                )
            )
        files: dict[str, bytes] = {}
        total = 0
        for info in infos:
            _refuse_name(path, info)
            if info.is_dir():
                continue
            if info.filename in files:
                raise InvalidInput(
                    _(
                        "refused: %(path)s holds %(name)s twice",
                        path=path,
                        name=repr(info.filename),
                    )
                )
            data, total = _read_capped(archive, info, path, total, max_bytes)
            files[info.filename] = data
    return DossierFiles(str(path), files)


def _refuse_name(path: Path, info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = PurePosixPath(name).parts
    hostile = (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\0" in name
        or ".." in parts
        or (len(name) > 1 and name[1] == ":")
    )
    if hostile:
        raise InvalidInput(
            _(
                "refused: %(path)s holds an entry named %(name)s that points outside the dossier",
                path=path,
                name=repr(name),
            )
        )
    if info.flag_bits & 0x1:
        raise InvalidInput(
            _("refused: %(path)s: the entry %(name)s is encrypted", path=path, name=repr(name))
        )


def _read_capped(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, total: int, max_bytes: int
) -> tuple[bytes, int]:
    chunks = []
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    raise InvalidInput(
                        _(
                            "refused: %(path)s holds more than %(most)s bytes uncompressed "
                            "(at %(name)s): a zip bomb or not a dossier",
                            path=path,
                            most=max_bytes,
                            name=repr(info.filename),
                        )
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
        raise InvalidInput(
            _(
                "refused: %(path)s: the entry %(name)s is unreadable (%(problem)s)",
                path=path,
                name=repr(info.filename),
                problem=exc,
            )
        ) from exc
    return b"".join(chunks), total
