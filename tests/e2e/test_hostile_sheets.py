"""Hostile score sheets: an .xlsx with a DTD or entity expansion, a cell of megabytes, JSON
nested thousands deep or with NaN, keys given twice; each is refused in one short line,
exit 1, the database unchanged (the harness of test_scoring_cli.py, in this process). The
refusals are read in English, the tier's language; the template's worksheets keep their
Chinese names, which a refusal quotes as the file has them."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from procure.cli import main
from tests.e2e.cli import IN_ENGLISH, QIHANG, Run, dump
from tests.e2e.sheets import fill
from tests.e2e.test_scoring_cli import (
    REVIEW_CODE,
    REVIEW_XLSX,
    REVIEWER,
    YAML_HEAD,
    YAML_SCORES,
    Bad,
    Build,
    Prepared,
    prepared,
    review_xlsx,
    text_file,
)
from tests.xlsx_bombs import cell_bomb

__all__ = ["prepared"]  # the module's fixture, shared

LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)
EXTERNAL = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def xml_prologue(file: str, doctype: str, *, pad: int = 0) -> Build:
    """A filled review sheet whose worksheet XML starts with ``doctype`` (after ``pad``
    bytes of comment, past any quick look at the start of the part)."""

    def build(p: Prepared, d: Path) -> Path:
        plain = fill(p.review, d / f"plain-{file}", REVIEW_XLSX)
        target = d / file
        with zipfile.ZipFile(plain) as source, zipfile.ZipFile(target, "w") as dest:
            for item in source.infolist():
                data = source.read(item)
                if item.filename == "xl/worksheets/sheet1.xml":
                    comment = f"<!--{'x' * pad}-->" if pad else ""
                    data = (comment + doctype).encode() + data  # openpyxl writes no <?xml?>
                dest.writestr(item, data)
        return target

    return build


def xml_edited(file: str, pattern: str, replacement: str) -> Build:
    """A filled review sheet whose worksheet XML has ``pattern`` replaced (a regex)."""

    def build(p: Prepared, d: Path) -> Path:
        plain = fill(p.review, d / f"plain-{file}", REVIEW_XLSX)
        target = d / file
        with zipfile.ZipFile(plain) as source, zipfile.ZipFile(target, "w") as dest:
            for item in source.infolist():
                data = source.read(item)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data, found = re.subn(pattern.encode(), replacement.encode(), data)
                    assert found == 1, "the edit must hit exactly one place"
                dest.writestr(item, data)
        return target

    return build


def bombed(file: str, cells: int) -> Build:
    """A filled review sheet with ``cells`` more cells (see tests.xlsx_bombs)."""

    def build(p: Prepared, d: Path) -> Path:
        plain = fill(p.review, d / f"plain-{file}", REVIEW_XLSX)
        target = d / file
        target.write_bytes(cell_bomb(plain.read_bytes(), cells))
        return target

    return build


BIG = 2_000_000
DEEP = 100_000

HOSTILE = [
    Bad("xlsx_billion_laughs", xml_prologue("laughs.xlsx", LAUGHS),
        ("laughs.xlsx", "sheet1.xml", "declares a DOCTYPE or entities", "refused")),
    Bad("xlsx_external_entity", xml_prologue("xxe.xlsx", EXTERNAL),
        ("xxe.xlsx", "declares a DOCTYPE or entities")),
    Bad("xlsx_entities_after_padding", xml_prologue("padded.xlsx", LAUGHS, pad=10_000),
        ("padded.xlsx", "declares entities or a DTD")),
    Bad("xlsx_huge_cell", review_xlsx("huge.xlsx", needs_analysis="九" * 30_000),
        ("huge.xlsx", "评分表 row 6", "(30000 characters)")),
    Bad("xlsx_cell_bomb", bombed("bomb.xlsx", BIG),
        ("bomb.xlsx", "more than a score sheet can be", "refused")),
    Bad("xlsx_many_rows", bombed("rows.xlsx", 100_000),
        ("rows.xlsx", "评分表 has more than 1000 rows", "refused")),
    Bad("xlsx_nan_score", xml_edited("nan.xlsx", r'(<c r="E6"[^>]*>)<v>[^<]*</v>', r"\1<v>NaN</v>"),
        ("nan.xlsx", "评分表 cell E6 holds 'NaN', which is not a number")),
    Bad("yaml_huge_cell", text_file("huge.yaml", f"{YAML_HEAD}scores:\n{YAML_SCORES}"
        .replace("needs_analysis: 9", "needs_analysis: " + "x" * BIG)),
        ("huge.yaml", f"({BIG} characters)")),
    Bad("yaml_nan_score", text_file("nan.yaml", f"{YAML_HEAD}scores:\n{YAML_SCORES}"
        .replace("team: 9", "team: .nan")), ("nan.yaml", "line 8", "'.nan' is not a finite")),
    Bad("yaml_key_twice", text_file("twice.yaml", f"{YAML_HEAD}scores:\n{YAML_SCORES}  team: 1\n"),
        ("twice.yaml", "'team' is given twice", "lines 8 and 11")),
    Bad("yaml_fullwidth_score", text_file("wide.yaml", f"{YAML_HEAD}scores:\n{YAML_SCORES}"
        .replace("team: 9", "team: ９")), ("wide.yaml", "FULLWIDTH DIGIT NINE")),
    Bad("json_nested_thousands_deep", text_file("deep.json", "[" * DEEP + "]" * DEEP),
        ("deep.json", "nested too deeply")),
    Bad("json_nan", text_file("nan.json", '{"scorecard": "review", "version": NaN}'),
        ("nan.json", "NaN is not a finite number")),
    Bad("json_thousands_of_digits", text_file("big.json", '{"version": ' + "9" * 5000 + "}"),
        ("big.json", "5000 characters is too long")),
    Bad("json_key_twice", text_file("twice.json", '{"scorecard": "review", "scorecard": "x"}'),
        ("twice.json", "'scorecard' is given twice")),
]  # fmt: skip


def invoke(*args: str, db: str) -> Run:
    with CliRunner().isolation(env={"PROCURE_DB": db, **IN_ENGLISH}) as (out, err, _):
        code = main(list(args))
    return Run(args, code, out.getvalue().decode(), err.getvalue().decode())


@pytest.mark.parametrize("case", HOSTILE, ids=[case.name for case in HOSTILE])
def test_a_hostile_sheet_is_refused_in_one_short_line_and_changes_nothing(
    case: Bad, prepared: Prepared, tmp_path: Path
) -> None:
    db = prepared.copy(tmp_path)
    sheet = case.build(prepared, tmp_path)

    run = invoke(
        "review", "score", REVIEW_CODE, "--org", QIHANG, "--reviewer", REVIEWER,
        "--sheet", str(sheet), db=db,
    )  # fmt: skip

    assert run.code == 1, str(run)[:2000]
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), str(run)[:2000]
    assert len(lines[0]) < 600 and lines[0].isprintable(), lines[0][:600]
    for fragment in case.says:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    assert dump(db) == prepared.dump, "a refused sheet must change nothing"
