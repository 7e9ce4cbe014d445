"""Unified Social Credit Codes (统一社会信用代码, GB 32100-2015).

A USCC is 18 characters drawn from a 31-character set (the digits and the capital
letters without I, O, Z, S and V). The 18th character is a check character computed
from the first 17 with fixed weights, so a mistyped code is caught before it is stored.
"""

from procure.domain.errors import InvalidInput
from procure.domain.language import _
from procure.domain.text import quoted

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_MODULUS = len(USCC_CHARSET)


def _bad_characters(text: str) -> list[str]:
    """Return the characters of ``text`` outside the USCC character set, in order, once each."""
    bad: list[str] = []
    for char in text:
        if char not in USCC_CHARSET and char not in bad:
            bad.append(char)
    return bad


def _bad_message(code: str, bad: list[str]) -> str:
    return _(
        "USCC %(code)s: contains %(characters)s, which may not appear in a USCC (allowed: "
        "digits and letters except I, O, Z, S, V)",
        code=code,
        characters=", ".join(repr(c) for c in bad),
    )


def uscc_check_character(first17: str) -> str:
    """Compute the check character for the first 17 characters of a USCC.

    Args:
        first17: exactly 17 characters from the USCC character set (upper case).

    Returns:
        The single check character that completes the code.

    Raises:
        InvalidInput: if ``first17`` is not 17 characters or holds a character outside the set.
    """
    if len(first17) != USCC_LENGTH - 1:
        raise InvalidInput(
            _(
                "USCC body %(body)s: must be 17 characters to compute a check character, "
                "got %(got)s",
                body=first17,
                got=len(first17),
            )
        )
    bad = _bad_characters(first17)
    if bad:
        raise InvalidInput(_bad_message(first17, bad))
    pairs = zip(first17, _WEIGHTS, strict=True)
    total = sum(USCC_CHARSET.index(char) * weight for char, weight in pairs)
    check = (_MODULUS - total % _MODULUS) % _MODULUS
    return USCC_CHARSET[check]


def validate_uscc(code: str) -> str:
    """Check a USCC and return it normalized (surrounding whitespace removed, upper case).

    Args:
        code: the code as typed or imported.

    Returns:
        The normalized 18-character code.

    Raises:
        InvalidInput: if the code has the wrong length, a character outside the set, or a
            check character that does not match the first 17 characters.
    """
    if not isinstance(code, str):
        raise InvalidInput(_("USCC %(code)s: must be text", code=quoted(code)))
    normalized = code.strip().upper()
    if len(normalized) != USCC_LENGTH:
        raise InvalidInput(
            _(
                "USCC %(code)s: must be %(length)s characters, got %(got)s",
                code=normalized,
                length=USCC_LENGTH,
                got=len(normalized),
            )
        )
    bad = _bad_characters(normalized)
    if bad:
        raise InvalidInput(_bad_message(normalized, bad))
    expected = uscc_check_character(normalized[:17])
    if normalized[17] != expected:
        raise InvalidInput(
            _(
                "USCC %(code)s: check character is %(found)s, expected %(expected)s; "
                "the code was probably mistyped",
                code=normalized,
                found=normalized[17],
                expected=expected,
            )
        )
    return normalized


def make_uscc(first17: str) -> str:
    """Complete a USCC by appending its check character (for fixtures and generators).

    Args:
        first17: the first 17 characters; upper-cased before use.

    Returns:
        The full, valid 18-character code.

    Raises:
        InvalidInput: if ``first17`` is not 17 characters from the USCC character set.
    """
    body = first17.strip().upper()
    return body + uscc_check_character(body)
