"""Every page a person fills in: each field has a label, each page a language, a title,
one main landmark and a skip link; images of data carry a text alternative."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.scheduler.conftest import Planning
from tests.scheduler.web.conftest import Browser
from tests.scheduler.web.helpers import publish_rota

pytestmark = pytest.mark.slow


class Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()
        self.label_depth = 0
        self.wrapped: list[str] = []
        self.svgs: list[dict[str, str | None]] = []
        self.mains = 0
        self.title = False
        self.html_lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.html_lang = values.get("lang")
        elif tag == "title":
            self.title = True
        elif tag == "main":
            self.mains += 1
        elif tag == "label":
            self.label_depth += 1
            if values.get("for"):
                self.labelled.add(str(values["for"]))
        elif tag in ("input", "select", "textarea") and values.get("type") not in (
            "hidden",
            "submit",
        ):
            self.fields.append(values)
            if self.label_depth:
                self.wrapped.append(str(values.get("name")))
        elif tag == "svg":
            self.svgs.append(values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_depth -= 1


def check(html: str, page: str) -> None:
    parsed = Fields()
    parsed.feed(html)
    assert parsed.html_lang in ("nl", "en"), page
    assert parsed.title and parsed.mains == 1, page
    assert 'href="#main"' in html, page
    for field in parsed.fields:
        named = (
            field.get("id") in parsed.labelled
            or field.get("name") in parsed.wrapped
            or field.get("aria-label")
        )
        assert named, f"{page}: field {field} has no label"
    for svg in parsed.svgs:
        assert svg.get("role") == "img" and (svg.get("aria-label") or svg.get("aria-hidden")), page


def test_planner_pages(planning: Planning, planner_browser: Browser) -> None:
    version = publish_rota(planning)
    base = f"/c/{planning.cooperation_id}"
    person = re.search(r"/people/(\d+)", planner_browser.get(base + "/people").text)
    assert person is not None
    for page in (
        "/",
        "/generate",
        "/rotas",
        f"/rotas/{version}",
        "/people",
        f"/people/{person.group(1)}",
        "/absences",
        "/import",
        "/swaps",
        "/wall",
    ):
        response = planner_browser.get(base + page)
        assert response.status_code == 200, page
        check(response.text, page)


def test_officer_pages_and_login(planning: Planning, officer_browser: Browser) -> None:
    publish_rota(planning)
    base = f"/c/{planning.cooperation_id}"
    for page in ("/me", "/me/calendar", "/me/swaps", "/me/subscribe", "/me/preferences"):
        response = officer_browser.get(base + page)
        assert response.status_code == 200, page
        check(response.text, page)
    check(officer_browser.get("/login").text, "/login")
