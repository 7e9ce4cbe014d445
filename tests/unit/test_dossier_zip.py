"""A dossier zip that is not one, or is hostile, is refused before anything is checked;
a zip that is only not a dossier fails its checks, one line each."""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from procure.domain.errors import InvalidInput
from procure.domain.language import use_language
from procure.services.opendata.dossier_verify import verify_dossier
from procure.services.opendata.dossier_zip import read_zip, write_zip


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """These tests read each message's English (its Chinese is the catalog's, checked by
    tests/unit/test_language.py)."""
    with use_language("en"):
        yield


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dossier.zip"
    path.write_text("not a zip at all")
    with pytest.raises(InvalidInput, match="is not a zip file"):
        verify_dossier(path)


@pytest.mark.parametrize(
    "name", ["../../etc/cron.d/evil", "records/../../evil.pdf", "/etc/passwd", "a\\..\\b", "C:evil"]
)
def test_an_entry_named_to_point_outside_the_dossier_is_refused(tmp_path: Path, name: str) -> None:
    path = _zip(tmp_path / "d.zip", {"manifest.json": b"{}", name: b"x"})
    with pytest.raises(InvalidInput, match="points outside the dossier") as refused:
        verify_dossier(path)
    assert repr(name) in str(refused.value)


def test_a_zip_bomb_is_refused_at_the_uncompressed_cap(tmp_path: Path) -> None:
    path = _zip(tmp_path / "bomb.zip", {"trail.jsonl": bytes(64 * 1024 * 1024)})
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(InvalidInput, match="zip bomb"):
        verify_dossier(path, max_bytes=16 * 1024 * 1024)


def test_entries_that_together_pass_the_cap_are_refused_as_they_are_read(tmp_path: Path) -> None:
    path = _zip(tmp_path / "d.zip", {f"f{i}": bytes(1024 * 1024) for i in range(4)})
    with pytest.raises(InvalidInput, match="more than|would hold"):
        read_zip(path, max_bytes=3 * 1024 * 1024)


def test_too_many_entries_are_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "d.zip", {f"f{i}": b"" for i in range(20)})
    with pytest.raises(InvalidInput, match="20 entries"):
        read_zip(path, max_entries=10)


def test_a_name_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of the duplicate it writes
        _zip(path, {"trail.jsonl": b"a"})
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("trail.jsonl", b"b")
    with pytest.raises(InvalidInput, match="twice"):
        read_zip(path)


def test_an_encrypted_entry_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "d.zip", {"trail.jsonl": b"secret"})
    data = bytearray(path.read_bytes())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # both headers
        start = data.index(signature)
        data[start + flags_at] |= 0x1  # the "encrypted" flag zipfile will not write itself
    path.write_bytes(bytes(data))
    with pytest.raises(InvalidInput, match="encrypted"):
        read_zip(path)


def test_a_corrupted_entry_is_refused_as_unreadable(tmp_path: Path) -> None:
    path = _zip(tmp_path / "d.zip", {"trail.jsonl": b"row " * 1000})
    data = bytearray(path.read_bytes())
    data[60] ^= 0xFF  # inside the compressed data of the only entry
    path.write_bytes(bytes(data))
    with pytest.raises(InvalidInput, match="unreadable|not a zip"):
        read_zip(path)


def test_a_zip_that_is_not_a_dossier_fails_each_check_naming_what_is_missing(
    tmp_path: Path,
) -> None:
    result = verify_dossier(_zip(tmp_path / "d.zip", {"hello.txt": b"hi"}))
    assert not result.ok
    failed = {(c.check, c.detail.split(" ")[0]) for c in result.checks if not c.ok}
    assert ("manifest", "manifest.json") in failed
    assert ("trail", "trail.jsonl") in failed
    assert ("public key", "public-key.pem") in failed
    assert any(check == "checkpoint" for check, _ in failed)


def test_the_written_zip_is_the_same_bytes_for_the_same_files_and_moment(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    files = {"manifest.json": b"{}", "b.txt": b"b", "a.txt": b"a"}
    moment = datetime(2020, 1, 7, 1, 0, tzinfo=UTC)
    write_zip(tmp_path / "one.zip", files, first="manifest.json", moment=moment)
    write_zip(
        tmp_path / "two.zip", dict(reversed(files.items())), first="manifest.json", moment=moment
    )
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        assert archive.namelist() == ["manifest.json", "a.txt", "b.txt"]
        assert archive.getinfo("a.txt").date_time == (2020, 1, 7, 1, 0, 0)
