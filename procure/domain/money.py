"""Money in yuan: parsing, rounding, display and official capital numerals (大写金额).

Money is always a ``Decimal`` with two places (分), rounded 四舍五入 (ROUND_HALF_UP).
Binary floats are refused wherever money enters, so no amount is ever silently off by a fen.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from procure.domain.errors import InvalidInput
from procure.domain.language import _
from procure.domain.text import check_number_text, quoted

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
"""The largest amount procure handles: 9999亿9999万9999元9角9分."""

_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")
"""An amount written with thousands separators as procure prints it: 288,000.00."""
_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("仟", "佰", "拾", "")
_GROUP_UNITS = ("亿", "万", "")


def quantize2(value: Decimal) -> Decimal:
    """Round a Decimal to two places, half up (四舍五入).

    Args:
        value: any finite Decimal.

    Returns:
        The value rounded to two decimal places, e.g. ``Decimal("2.005")`` -> ``2.01``.
    """
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _to_decimal(value: object, field: str) -> Decimal:
    """Turn str, int or Decimal into a finite Decimal, refusing floats, bools and garbage."""
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidInput(
            _(
                "%(field)s %(value)s is of type %(type)s; give the amount as text or a Decimal "
                "such as '1200.50' so no precision is lost",
                field=field,
                value=quoted(value),
                type=type(value).__name__,
            )
        )
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        text = _ungrouped(text.replace("，", ","), field)
        check_number_text(text, field)
        if not _PLAIN_NUMBER.fullmatch(text):
            raise InvalidInput(
                _(
                    "%(field)s %(value)s is not an amount of money, e.g. 1200.50",
                    field=field,
                    value=quoted(text),
                )
            )
        try:
            number = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the pattern already guards
            raise InvalidInput(
                _("%(field)s %(value)s is not an amount of money", field=field, value=quoted(text))
            ) from exc
    else:
        raise InvalidInput(
            _(
                "%(field)s %(value)s is of type %(type)s, not an amount of money",
                field=field,
                value=quoted(value),
                type=type(value).__name__,
            )
        )
    if not number.is_finite():
        raise InvalidInput(
            _("%(field)s must be a finite amount, got %(value)s", field=field, value=number)
        )
    return number


def _ungrouped(text: str, field: str) -> str:
    """The amount without its thousands separators; refuse commas anywhere but every three
    digits of the whole yuan (``2,88,000`` or ``1,200,5`` could be a slip of the finger)."""
    if "," not in text:
        return text
    if not _GROUPED.fullmatch(text):
        raise InvalidInput(
            _(
                "%(field)s %(value)s: thousands separators go every three digits, e.g. "
                "288,000.00 or 288000.00",
                field=field,
                value=quoted(text),
            )
        )
    return text.replace(",", "")


def parse_money(value: object, *, field: str, allow_zero: bool = True) -> Decimal:
    """Parse an amount of money in yuan.

    Args:
        value: text such as ``"1200.50"`` or ``"288,000.00"`` (commas every three digits of
            the whole yuan), an int, or a Decimal. Floats, bools, misplaced commas, currency
            signs and exponents are refused.
        field: the name of the field, used in error messages (e.g. ``"budget"``).
        allow_zero: whether 0.00 is acceptable.

    Returns:
        The amount as a Decimal with exactly two places.

    Raises:
        InvalidInput: if the value is not a plain non-negative amount with at most two
            decimal places, within the supported range.
    """
    number = _to_decimal(value, field)
    if number < 0:
        raise InvalidInput(
            _("%(field)s must not be negative, got %(value)s", field=field, value=number)
        )
    if number > MAX_AMOUNT:
        raise InvalidInput(
            _(
                "%(field)s %(value)s is larger than the largest supported amount %(most)s",
                field=field,
                value=number,
                most=format_yuan(MAX_AMOUNT),
            )
        )
    amount = quantize2(number)
    if amount != number:
        raise InvalidInput(
            _("%(field)s %(value)s has more than 2 decimal places", field=field, value=number)
        )
    if amount == 0 and not allow_zero:
        raise InvalidInput(
            _("%(field)s must be greater than zero, got %(value)s", field=field, value=amount)
        )
    return amount


def format_yuan(amount: Decimal) -> str:
    """Format an amount for people: ``Decimal("3600000")`` -> ``"¥3,600,000.00"``.

    Args:
        amount: the amount in yuan; rounded half up to two places for display.

    Returns:
        The amount with a yuan sign, thousands separators and two decimals.
    """
    rounded = quantize2(amount)
    sign = "-" if rounded < 0 else ""
    return f"{sign}¥{abs(rounded):,.2f}"


def _group_in_capitals(group: int) -> str:
    """Write 1..9999 in capitals, collapsing inner zeros to one 零 (1001 -> 壹仟零壹)."""
    digits = f"{group:04d}"
    parts: list[str] = []
    pending_zero = False
    for digit, place in zip(digits, _PLACES, strict=True):
        if digit == "0":
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        parts.append(_DIGITS[int(digit)] + place)
    return "".join(parts)


def _yuan_in_capitals(yuan: int) -> str:
    """Write the whole-yuan part (1..999999999999) in capitals, without 元."""
    groups = (yuan // 10**8, yuan // 10**4 % 10**4, yuan % 10**4)
    parts: list[str] = []
    pending_zero = False
    for group, unit in zip(groups, _GROUP_UNITS, strict=True):
        if group == 0:
            pending_zero = bool(parts)
            continue
        if parts and (pending_zero or group < 1000):
            parts.append("零")
        parts.append(_group_in_capitals(group) + unit)
        pending_zero = False
    return "".join(parts)


def yuan_in_capitals(amount: Decimal) -> str:
    """Write an amount in official Chinese capital numerals (大写金额).

    Follows the common convention of 《支付结算办法》: 整 ends an amount with no 分; a run of
    zeros is written as one 零; a zero 角 before a non-zero 分 is written 零.

    Examples: 3600000 -> 叁佰陆拾万元整; 1000.50 -> 壹仟元伍角整; 10.05 -> 壹拾元零伍分;
    0 -> 零元整; 0.50 -> 伍角整.

    Args:
        amount: a non-negative amount up to 999999999999.99; rounded half up to 2 places.

    Returns:
        The amount in capitals.

    Raises:
        InvalidInput: if the amount is a float, negative, not finite or too large.
    """
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise InvalidInput(
            _(
                "the amount %(value)s must be a finite Decimal to write in capitals",
                value=quoted(amount),
            )
        )
    if amount < 0:
        raise InvalidInput(
            _("the amount %(value)s is negative and cannot be written in capitals", value=amount)
        )
    if amount > MAX_AMOUNT:
        raise InvalidInput(
            _(
                "the amount %(value)s is larger than %(most)s, the largest amount that can be "
                "written in capitals",
                value=amount,
                most=format_yuan(MAX_AMOUNT),
            )
        )
    fen_total = int(quantize2(amount) * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if fen_total == 0:
        return "零元整"
    text = _yuan_in_capitals(yuan) + "元" if yuan else ""
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    else:
        text += "整"
    return text
