"""The signing key lives in an owner-only file outside the database and is never overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from procure.domain.errors import InvalidInput
from procure.store.keyfile import (
    KEY_ENV,
    create_key,
    load_public_key,
    load_signing_key,
    public_key_path,
    signing_key_path,
)


def test_a_new_key_is_owner_only_and_its_public_half_is_written_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "audit.key"
    public = create_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_public_key(public_key_path(path)) == public
    assert load_signing_key(path) is not None


def test_an_existing_key_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "audit.key"
    create_key(path)
    before = path.read_bytes()
    with pytest.raises(InvalidInput, match="already exists"):
        create_key(path)
    assert path.read_bytes() == before


def test_a_key_readable_by_group_or_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "audit.key"
    create_key(path)
    path.chmod(0o640)
    with pytest.raises(InvalidInput, match=r"readable by group or others \(mode 0640\).*chmod 600"):
        load_signing_key(path)


def test_a_missing_key_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="procure keys init"):
        load_signing_key(tmp_path / "none.key")


def test_a_private_key_is_not_accepted_as_the_trusted_public_key(tmp_path: Path) -> None:
    path = tmp_path / "audit.key"
    public = create_key(path)
    with pytest.raises(InvalidInput, match="give its public half"):
        load_public_key(path)
    line = tmp_path / "line.pub"
    line.write_text(public + "\n")
    assert load_public_key(line) == public


def test_the_key_path_comes_from_the_option_then_the_environment_then_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert signing_key_path() == tmp_path / "config" / "procure" / "audit-signing.key"
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "env.key"))
    assert signing_key_path() == tmp_path / "env.key"
    assert signing_key_path(tmp_path / "given.key") == tmp_path / "given.key"
