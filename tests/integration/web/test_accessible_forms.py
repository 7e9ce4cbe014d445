"""Forms that a screen reader can follow: a skip link to the page's main part, labels that
name a field in words (no code token), an error tied to its input, and every "not
applicable" box named after its criterion."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.integration.builders import CODE, OFFICER, REVIEWERS, Plan, drive
from tests.integration.web.support import set_passwords, sign_in

CODE_TOKEN = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b(?:amount|number|paid_on|organization)\b")


class _Page(HTMLParser):
    """The elements of a page by id, and the text of each <label> with what it is for."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.by_id: dict[str, dict[str, str]] = {}
        self.texts: dict[str, str] = {}
        self.labels: list[tuple[dict[str, str], str]] = []
        self.first_link: dict[str, str] | None = None
        self._open: list[tuple[str, dict[str, str], list[str]]] = []
        self._hidden = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if "id" in found:
            self.by_id[found["id"]] = found
        if tag == "a" and self.first_link is None:
            self.first_link = found
        if tag in ("label", "p"):
            self._open.append((tag, found, []))
        if found.get("aria-hidden") == "true":
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._hidden:
            self._hidden -= 1
        if self._open and self._open[-1][0] == tag:
            _, found, text = self._open.pop()
            words = " ".join("".join(text).split())
            if tag == "label":
                self.labels.append((found, words))
            if "id" in found:
                self.texts[found["id"]] = words

    def handle_data(self, data: str) -> None:
        if self._open and not self._hidden:
            self._open[-1][2].append(data)


def test_every_page_opens_with_a_link_that_skips_to_its_main_part(
    client: TestClient, session: Session
) -> None:
    for path in ("/signin", "/public/"):
        page = _Page(client.get(path).text)
        assert page.first_link is not None and page.first_link["href"] == "#main", path
        assert "main" in page.by_id, path


def test_a_refused_field_is_marked_invalid_and_described_by_its_message(
    client: TestClient, registered: Session
) -> None:
    drive(registered, Plan(), "in_service", start="draft")
    set_passwords(registered, OFFICER.name)
    csrf = sign_in(client, OFFICER.name)
    response = client.post(
        f"/projects/{CODE}/do/record_payment",
        data={"csrf_token": csrf, "amount": "12万", "paid_on": "2019-04-01"},
    )
    assert response.status_code == 400
    page = _Page(response.text)
    amount = page.by_id["record_payment-amount"]
    assert amount.get("aria-invalid") == "true"
    described = amount["aria-describedby"].split()
    assert "请填写金额" in page.texts[described[0]]  # the message first, then the field's hint
    assert described[1] == "record_payment-amount-hint"
    assert "aria-invalid" not in page.by_id["record_payment-paid_on"]  # the day was right


def test_a_fields_label_names_it_in_words_without_its_code(
    client: TestClient, registered: Session
) -> None:
    drive(registered, Plan(), "in_service", start="draft")
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    page = _Page(client.get(f"/projects/{CODE}").text)
    named = {found.get("for", ""): text for found, text in page.labels}
    assert named["record_payment-amount"] == "拨付金额"
    coded = [text for text in named.values() if CODE_TOKEN.search(text)]
    assert not coded, coded


def test_each_not_applicable_box_is_named_after_its_criterion(
    client: TestClient, reviewing: Session
) -> None:
    sign_in(client, REVIEWERS[0].name)
    page = _Page(client.get(f"/projects/{CODE}/panel/sheet").text)
    boxes = [text for found, text in page.labels if found.get("class") == "na"]
    assert boxes and len(set(boxes)) == len(boxes), boxes
    assert all(text.startswith("不适用") and len(text) > len("不适用：") for text in boxes), boxes
