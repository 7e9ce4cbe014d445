"""The audit signing key: an Ed25519 key in a file of its own, outside the database.

The key file is PEM (PKCS #8, the form ``openssl pkey`` reads) with owner-only
permissions (0600); a key file that group or others may read is refused. Its public
half is written beside it as ``KEY.pub`` (PEM), the file to hand to whoever checks
checkpoints. The path is ``--key FILE``, else ``PROCURE_AUDIT_KEY``, else
``$XDG_CONFIG_HOME/procure/audit-signing.key`` (``~/.config/procure/…``): the user's
configuration, never the folder that holds the database.
"""

from __future__ import annotations

import base64
import binascii
import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from procure.domain.checkpoint import public_key_text
from procure.domain.errors import InvalidInput

KEY_ENV = "PROCURE_AUDIT_KEY"
KEY_NAME = "audit-signing.key"


def signing_key_path(explicit: Path | None = None) -> Path:
    """The key file: the explicit one, else ``PROCURE_AUDIT_KEY``, else the user's config."""
    if explicit is not None:
        return explicit
    configured = os.environ.get(KEY_ENV)
    if configured:
        return Path(configured).expanduser()
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "procure" / KEY_NAME


def public_key_path(key_path: Path) -> Path:
    """Where the public half of ``key_path`` is kept: ``KEY.pub`` beside it."""
    return key_path.with_name(key_path.name + ".pub")


def create_key(path: Path) -> str:
    """Create a new signing key at ``path`` (0600) and its public half at ``path.pub``.

    Returns:
        The public key (base64 of its 32 raw bytes).

    Raises:
        InvalidInput: a file is already there (a signing key is never overwritten).
    """
    if path.exists():
        raise InvalidInput(
            f"a key file already exists at {path}: procure never overwrites a signing key "
            "(checkpoints signed with it could no longer be told from forgeries)"
        )
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise InvalidInput(f"a key file already exists at {path}") from exc
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    public = key.public_key()
    public_key_path(path).write_bytes(
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return public_key_text(public)


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """Read the signing key at ``path``, refusing one that group or others may read.

    Raises:
        InvalidInput: no file there, permissions too open, or not an Ed25519 private key.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as exc:
        raise InvalidInput(
            f"no audit signing key at {path}: create one with `procure keys init`"
        ) from exc
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidInput(
            f"refused: the key file {path} is readable by group or others "
            f"(mode {stat.S_IMODE(mode):04o}); make it owner-only: chmod 600 {path}"
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"{path} is not a PEM private key ({exc})") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput(f"{path} is not an Ed25519 key")
    return key


def load_public_key(path: Path) -> str:
    """Read a trusted public key: a PEM public key (``KEY.pub``) or a line of base64.

    Returns:
        The public key as base64 of its 32 raw bytes.

    Raises:
        InvalidInput: the file is missing or holds no Ed25519 public key.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read the public key {path} ({exc.strerror})") from exc
    return public_key_from_bytes(data, source=str(path))


def public_key_from_bytes(data: bytes, *, source: str) -> str:
    """Read a public key from a file's bytes (PEM or a line of base64); ``source`` names it.

    Raises:
        InvalidInput: no Ed25519 public key in ``data``, or a private key.
    """
    if b"PRIVATE KEY" in data:
        raise InvalidInput(f"{source} is a private key: give its public half ({source}.pub)")
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(data)
        except ValueError as exc:
            raise InvalidInput(f"{source} is not a PEM public key ({exc})") from exc
        if not isinstance(key, Ed25519PublicKey):
            raise InvalidInput(f"{source} is not an Ed25519 public key")
        return public_key_text(key)
    try:
        raw = base64.b64decode(data.strip(), validate=True)
        return public_key_text(Ed25519PublicKey.from_public_bytes(raw))
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput(f"{source} holds no Ed25519 public key") from exc


def public_key_pem(public_key: str) -> bytes:
    """A public key (base64 of its raw bytes) as the PEM file ``KEY.pub`` holds."""
    raw = base64.b64decode(public_key, validate=True)
    return Ed25519PublicKey.from_public_bytes(raw).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
