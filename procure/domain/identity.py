"""One person, one account: how logins and display names are normalized and checked.

A login is compared after NFKC normalization and case folding, with surrounding space
removed; control characters, zero-width and other invisible format characters, and
inner spaces are refused rather than dropped, so a name that only *looks* like another
account's cannot be made into a second account. Full-width letters and digits (NFKC
folds them) and upper case therefore name the same account as their plain forms.
"""

from __future__ import annotations

import re
import unicodedata

from procure.domain.errors import InvalidInput
from procure.domain.language import _

LOGIN_MAX = 64
DISPLAY_NAME_MAX = 100
PASSWORD_MIN = 10
SETUP_LOGIN = "(setup)"
"""The login the trail records for the setup actor, who registers the first accounts while a
database has no administrator: a code, which a reader sees as :func:`actor_shown` says."""
_LOGIN_PATTERN = re.compile(r"[\w.@·-]+")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})


def _invisible(text: str) -> list[str]:
    return [
        f"U+{ord(char):04X}" for char in text if unicodedata.category(char) in _INVISIBLE_CATEGORIES
    ]


def normalize_login(text: str) -> str:
    """Return the one spelling of a login, or refuse it saying why.

    Raises:
        InvalidInput: empty, too long, or with invisible, control or space characters.
    """
    login = unicodedata.normalize("NFKC", text).strip().casefold()
    if not login:
        raise InvalidInput(_("A login is required"))
    hidden = _invisible(login)
    if hidden:
        raise InvalidInput(
            _(
                "The login %(login)s contains invisible or control characters (%(found)s)",
                login=repr(text),
                found=", ".join(hidden),
            )
        )
    if len(login) > LOGIN_MAX:
        raise InvalidInput(
            _(
                "The login is %(length)s characters long, at most %(most)s allowed",
                length=len(login),
                most=LOGIN_MAX,
            )
        )
    if not _LOGIN_PATTERN.fullmatch(login):
        raise InvalidInput(
            _(
                "The login %(login)s may hold only letters, digits and . _ - @ ·"
                " (no spaces or other symbols)",
                login=repr(text),
            )
        )
    return login


def normalize_display_name(text: str) -> str:
    """Return a display name with NFKC applied and runs of space made one plain space.

    Raises:
        InvalidInput: empty, too long, or with invisible or control characters.
    """
    name = " ".join(unicodedata.normalize("NFKC", text).split())
    if not name:
        raise InvalidInput(_("A display name is required"))
    hidden = _invisible(name)
    if hidden:
        raise InvalidInput(
            _(
                "The display name %(name)s contains invisible or control characters (%(found)s)",
                name=repr(text),
                found=", ".join(hidden),
            )
        )
    if len(name) > DISPLAY_NAME_MAX:
        raise InvalidInput(
            _(
                "The display name is %(length)s characters long, at most %(most)s allowed",
                length=len(name),
                most=DISPLAY_NAME_MAX,
            )
        )
    return name


def check_password_strength(password: str) -> None:
    """Refuse a password that is too short (the password itself is never quoted).

    Raises:
        InvalidInput: fewer than :data:`PASSWORD_MIN` characters, or only spaces.
    """
    if len(password) < PASSWORD_MIN or not password.strip():
        raise InvalidInput(_("A password needs at least %(least)s characters", least=PASSWORD_MIN))


def actor_shown(login: str, recorded_name: object = None) -> str:
    """How the trail names the actor ``login`` to a reader: the setup actor by its label in
    the language in use (whatever its row recorded: older trails hold "初始设置 setup"), an
    account by the display name its row recorded, else by its login."""
    if login == SETUP_LOGIN:
        return _("Initial setup")
    return recorded_name if isinstance(recorded_name, str) and recorded_name else login
