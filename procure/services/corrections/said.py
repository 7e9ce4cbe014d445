"""A corrected record's key (``SM-2019-001 payment #1``, as the trail and the corrections
store it) said in the language in use: 第 1 批拨付, payment tranche 1."""

from __future__ import annotations

import re

from procure.domain.language import N_, _

_KEYS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?P<code>\S+) payment #(?P<number>\d+)$"), N_("payment tranche %(number)s")),
    (re.compile(r"^(?P<code>\S+) inspection #(?P<number>\d+)$"), N_("inspection #%(number)s")),
    (re.compile(r"^(?P<code>\S+) comment #(?P<number>\d+)$"), N_("comment #%(number)s")),
    (re.compile(r"^(?P<code>\S+) proposal of (?P<uscc>\S+)$"), N_("the proposal of %(uscc)s")),
    (
        re.compile(r"^(?P<code>\S+) review of (?P<uscc>\S+) by (?P<reviewer>.+)$"),
        N_("the review sheet of %(reviewer)s on %(uscc)s"),
    ),
    (
        re.compile(r"^(?P<code>\S+) recusal of (?P<reviewer>.+) on (?P<uscc>\S+)$"),
        N_("the recusal of %(reviewer)s on %(uscc)s"),
    ),
    (
        re.compile(r"^(?P<code>\S+) assessment by (?P<assessor>.+?) #(?P<number>\d+)$"),
        N_("assessment sheet %(number)s of %(assessor)s"),
    ),
    (
        re.compile(r"^(?P<code>\S+) assessment by (?P<assessor>.+)$"),
        N_("the assessment sheet of %(assessor)s"),
    ),
    (
        re.compile(r"^(?P<code>\S+) answer to (?P<uscc>\S+) on notice #(?P<number>\d+)$"),
        N_("the answer to the objection of %(uscc)s on notice #%(number)s"),
    ),
)
"""Each form of key, and how it is said (the project's code is left out: the page names it)."""


def record_said(key: str) -> str:
    """The record ``key`` names, in the language in use (the key itself when it is none of
    the known forms: a contract's key is its project's code)."""
    for pattern, said in _KEYS:
        found = pattern.match(key)
        if found:
            values = {name: value for name, value in found.groupdict().items() if name != "code"}
            return _(said, **values)
    return key
