"""What a person notices when looking at the pages (issue 23, item 9), each found on the
screenshots of the every-page sweep: English cards labelled with an English colon and
quotation marks of English width, a checkbox under its label, the short cells of /due whole,
hints that fit their boxes, and the audit trail filtered by a step's name, not its code."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page

from tests.e2e.web.browser import WIDTHS, action, set_language, sign_in
from tests.e2e.web.site import AUDITED, PANEL
from tests.integration.builders import AUDITOR, OFFICER, QIHANG, REVIEWERS, organization_actor

CARD_LABELS = """() => Array.from(document.querySelectorAll("main td[data-label]"))
  .filter((cell) => cell.getClientRects().length > 0)
  .map((cell) => getComputedStyle(cell, "::before").content)"""
"""What each visible card cell of a page puts before its value (its column's name)."""
QUOTE_WIDTH = """() => {
  const mark = document.createElement("span");
  mark.textContent = "\u201c";
  document.querySelector("main").append(mark);
  const share = mark.getBoundingClientRect().width / parseFloat(getComputedStyle(mark).fontSize);
  mark.remove();
  return share;
}"""
"""How wide an opening quotation mark is drawn on the page, in ems."""
CHECKBOXES_OFF_THEIR_LABELS = """() => Array.from(
    document.querySelectorAll(
      "form .field > input[type=checkbox], form label > input[type=checkbox]"))
  .filter((box) => box.getClientRects().length > 0)
  .filter((box) => {
    const label = box.closest("label") || box.parentElement.querySelector("label");
    const drawn = box.getBoundingClientRect();  // a stretched box draws its mark in its middle
    const em = parseFloat(getComputedStyle(box).fontSize);
    return drawn.width > 2 * em || Math.abs(drawn.left - label.getBoundingClientRect().left) > 6;
  })
  .map((box) => box.id)"""
"""The visible checkboxes of forms not at the start of their label's line (or
stretched across the form, their mark drawn in its middle)."""


def _broken_cells(selector: str, keep: str) -> str:
    """A script listing the text of the cells ``selector`` finds that pass ``keep`` (a
    JavaScript test of ``cell``) and are drawn on more than one line."""
    return f"""() => Array.from(document.querySelectorAll({selector!r}))
  .filter((cell) => {keep})
  .filter((cell) => {{
    const range = document.createRange();
    range.selectNodeContents(cell);
    const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
    return tops.size > 1;
  }})
  .map((cell) => cell.textContent.trim())"""


BROKEN_SHORT_CELLS = _broken_cells("table.due tbody td", "[2, 3, 6].includes(cell.cellIndex + 1)")
"""The cells of /due's matter, actor and status columns drawn on more than one line."""
BROKEN_SHORT_RANKING_CELLS = _broken_cells(
    "table.ranking th, table.ranking td", "cell.textContent.trim().length <= 5"
)
"""The headings and short cells of the panel's ranking drawn on more than one line."""
ISO_DAY = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")
CUT_HINTS = """() => Array.from(document.querySelectorAll("main input[placeholder]"))
  .filter((box) => box.getClientRects().length > 0)
  .filter((box) => {
    const style = getComputedStyle(box);
    const context = document.createElement("canvas").getContext("2d");
    context.font = `${style.fontSize} ${style.fontFamily}`;
    const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return context.measureText(box.placeholder).width > room + 1;
  })
  .map((box) => box.placeholder)"""
"""The hints (placeholders) of a page cut off by their boxes."""


def _as(
    open_page: Callable[[], Page], login: str, path: str, *, language: str, width: str = ""
) -> Page:
    """A page signed in as ``login``, reading ``language``, at ``path`` (at ``width``, one of
    the browser's WIDTHS, where given)."""
    page = open_page()
    sign_in(page, login, "/account/password")
    set_language(page, language)
    if width:
        page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    page.goto(path)
    return page


def test_an_english_card_names_its_values_with_an_english_colon(
    open_page: Callable[[], Page],
) -> None:
    page = _as(open_page, OFFICER.name, "/due", language="en", width="phone")
    labels = page.evaluate(CARD_LABELS)
    assert labels, "no card on /due at a phone's width"
    assert all("：" not in label and label.endswith(': "') for label in labels), labels
    set_language(page, "zh_CN")
    page.goto("/due")
    assert all(label.endswith('："') for label in page.evaluate(CARD_LABELS))


def test_an_english_page_draws_its_quotation_marks_as_wide_as_an_english_letter(
    open_page: Callable[[], Page],
) -> None:
    page = _as(open_page, OFFICER.name, "/due", language="en")
    assert page.evaluate(QUOTE_WIDTH) < 0.6


def test_a_checkbox_of_a_form_sits_under_its_label_not_in_the_middle(
    open_page: Callable[[], Page],
) -> None:
    page = _as(open_page, OFFICER.name, f"/projects/{AUDITED}", language="zh_CN", width="desktop")
    action(page, "record_comment")
    assert page.locator("#record_comment-acknowledged").is_visible()
    assert page.evaluate(CHECKBOXES_OFF_THEIR_LABELS) == []
    page.goto("/due")  # 只看逾期, a filter's checkbox
    assert page.locator("form.filters input[type=checkbox]").is_visible()
    assert page.evaluate(CHECKBOXES_OFF_THEIR_LABELS) == []


def test_the_matter_the_actor_and_the_days_left_on_due_are_not_broken_across_lines(
    open_page: Callable[[], Page],
) -> None:
    page = _as(open_page, OFFICER.name, "/due", language="zh_CN", width="desktop")
    assert page.locator("table.due tbody td").count() > 3
    assert page.evaluate(BROKEN_SHORT_CELLS) == []


def test_the_hints_of_the_projects_filters_fit_their_boxes_in_both_languages(
    open_page: Callable[[], Page],
) -> None:
    page = _as(open_page, OFFICER.name, "/projects", language="en", width="desktop")
    assert page.evaluate(CUT_HINTS) == []
    set_language(page, "zh_CN")
    page.goto("/projects")
    assert page.evaluate(CUT_HINTS) == []


def test_the_auditor_narrows_the_trail_to_a_step_chosen_by_its_name(
    open_page: Callable[[], Page],
) -> None:
    page = _as(open_page, AUDITOR.name, "/audit", language="zh_CN")
    picker = page.locator("#f-trigger")
    names = picker.locator("option").all_inner_texts()
    assert "全部操作" in names and "登记申报方案" in names and "设置密码" in names
    assert len(names) == len(set(names)), "two steps of the same name"
    picker.select_option(label="登记申报方案")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**/audit?*trigger=add_proposal*")
    steps = page.locator("td[data-trigger]")
    assert steps.count() > 0
    assert set(steps.all_inner_texts()) == {"登记申报方案"}
    assert page.locator("#f-trigger option:checked").inner_text() == "登记申报方案"
    assert "add_proposal" not in page.locator("main").inner_text()


def test_the_panels_ranking_keeps_its_headings_and_short_cells_on_one_line(
    open_page: Callable[[], Page],
) -> None:
    page = _as(
        open_page, REVIEWERS[0].name, f"/projects/{PANEL}/panel", language="zh_CN", width="desktop"
    )
    assert page.locator("table.ranking tbody tr").count() >= 2
    assert page.evaluate(BROKEN_SHORT_RANKING_CELLS) == []


def test_an_organizations_own_page_writes_its_dates_as_people_read_them(
    open_page: Callable[[], Page],
) -> None:
    page = _as(open_page, organization_actor(QIHANG).name, "/mine", language="zh_CN")
    text = page.locator("main").inner_text()
    assert "年" in text and "月" in text
    assert ISO_DAY.findall(text) == []
    set_language(page, "en")
    page.goto("/mine")
    assert ISO_DAY.findall(page.locator("main").inner_text()) == []


def test_an_organization_comments_without_the_field_an_officer_fills_for_it(
    open_page: Callable[[], Page],
) -> None:
    page = _as(open_page, organization_actor(QIHANG).name, f"/projects/{AUDITED}", language="zh_CN")
    action(page, "record_comment")
    assert page.locator("#record_comment-text").is_visible()
    assert page.locator("#record_comment-document").count() == 0  # 来函文号（干事代为登记时必填）
    officer = _as(open_page, OFFICER.name, f"/projects/{AUDITED}", language="zh_CN")
    action(officer, "record_comment")
    assert officer.locator("#record_comment-document").is_visible()
