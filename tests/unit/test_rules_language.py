"""The lifecycle's refusals and the facts' checks say one language at a time: each Chinese
sentence the lifecycle's code says (procure/workflow, procure/services/lifecycle,
procure/domain) holds no English word, and its English holds no Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.language_purity import chinese_runs, english_words

CATALOG = Path(__file__).resolve().parents[2] / "locale" / "zh_CN" / "LC_MESSAGES" / "procure.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdf]")
COMMAND_LINE = frozenset(
    {"set", "by", "KEY", "VALUE", "scores", "team", "Decimal", "document", "UTF", "NUL"}
)
"""What a person types on the command line (``--set KEY=VALUE``, ``--by``) or a program
passes (a ``Decimal``), and the encodings a file is read in (UTF-8, NUL bytes): the same
in both languages."""
LIFECYCLE_FILE = frozenset({"true", "false", "named", "organization", "uscc"})
"""What a lifecycle file spells (``true``, ``acts_for: named_organization``, a param's type):
its refusals quote the file's own words."""
SCORECARD_FILE = frozenset(
    {"criteria", "dimension", "dimensions", "weight", "kind", "price", "grades", "bands", "from"}
    | {"to", "share", "panel", "quorum", "trim", "spread", "flag"}
)
"""The keys a scorecard or renewal policy file spells (``criteria[2].weight``, ``bands[1].from``,
``panel: {quorum, trim_from}``, ``spread_flag_share``, ``kind: price``): a refusal of the file
names the place in it by the file's own keys, in either language."""


RULES = ("procure/workflow/", "procure/services/lifecycle/", "procure/domain/")
"""Where the lifecycle's refusals and the facts' checks are said."""


def _sentences() -> list[tuple[str, str]]:
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    return [
        (str(m.id), str(m.string))
        for m in catalog
        if m.id and m.string and any(file.startswith(RULES) for file, _ in m.locations)
    ]


def _filled(text: str) -> str:
    """The sentence with its values filled and what it quotes to type (`procure …`,
    workflows/calendar.yaml) left out."""
    typed = re.sub(r"`[^`]*`|\bworkflows/\S+", " ", text)
    return PLACEHOLDER.sub("7", typed).replace("%%", "%")


@pytest.mark.parametrize(("english", "chinese"), _sentences())
def test_each_refusal_reads_in_one_language_at_a_time(english: str, chinese: str) -> None:
    assert (
        english_words(_filled(chinese), allowed=COMMAND_LINE | LIFECYCLE_FILE | SCORECARD_FILE)
        == []
    )
    assert chinese_runs(_filled(english)) == []
