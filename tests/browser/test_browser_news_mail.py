"""The e-news mail as mail apps show it: on a phone (375 px) and in a desktop reading pane (600 px), in
light and dark mode, and with its <style> removed as Gmail does, the mail never scrolls sideways, however
long the links the editor pasted."""

from __future__ import annotations

import re
from datetime import date

import pytest

from nmg_ops.extensions import db
from nmg_ops.models import NewsEdition, NewsSection, NewsSectionKind
from nmg_ops.news import drafting, rendering
from tests.browser.phone import OVERFLOW

pytestmark = pytest.mark.browser

LONG_LINK = "https://www.thcspartnership.eu/" + "calls/joint-transnational-call-2027/" * 6 + "?utm_source=nmg"
BODY = (
    f"The call text: {LONG_LINK}\n\n"
    f"[Also as a link]({LONG_LINK})\n\n"
    "    a_line_of_code_that_would_never_wrap_by_itself_because_it_has_no_space_in_it_at_all_anywhere()\n\n"
    "| Region | Projects | Partners |\n|---|---|---|\n| Veneto | 4 | 12 |"
)


@pytest.fixture
def mail_html(live_server) -> str:
    with live_server.app.app_context():
        issue = drafting.draft_issue(date(2026, 12, 1))
        calls = NewsSection(
            position=len(issue.sections) + 1,
            kind=NewsSectionKind.NEWS,
            heading="Calls",
            body=BODY,
        )
        issue.sections.append(calls)
        db.session.commit()
        return rendering.render(issue, NewsEdition.PUBLIC, "en").html


def _without_style_elements(html: str) -> str:
    return re.sub(r"<style\b.*?</style>", "", html, flags=re.S | re.I)


@pytest.mark.parametrize("width", [375, 600])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_mail_fits_the_reading_pane(browser, mail_html, width, scheme):
    assert LONG_LINK in mail_html
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    try:
        page = context.new_page()
        shown_as = {"as sent": mail_html, "with <style> removed": _without_style_elements(mail_html)}
        for shown, html in shown_as.items():
            page.set_content(html)
            extra, culprits = page.evaluate(OVERFLOW)
            where = f"{shown} at {width} px ({scheme})"
            assert extra <= 0, f"{where}: {extra} px too wide ({', '.join(culprits)})"
            # The reader sees the text, not a blank or clipped column.
            assert page.get_by_text("Also as a link").is_visible()
    finally:
        context.close()


def test_dark_mode_keeps_the_text_readable(browser, mail_html):
    context = browser.new_context(viewport={"width": 600, "height": 800}, color_scheme="dark")
    try:
        page = context.new_page()
        page.set_content(mail_html)
        colours = page.evaluate(
            """() => {
                const text = [...document.querySelectorAll('.section p')]
                    .find(p => p.textContent.includes('call'));
                const clear = (box) => getComputedStyle(box).backgroundColor === 'rgba(0, 0, 0, 0)';
                let box = text;
                while (box && clear(box)) box = box.parentElement;
                return [getComputedStyle(text).color, box ? getComputedStyle(box).backgroundColor : ''];
            }"""
        )
    finally:
        context.close()
    foreground, background = (_luminance(colour) for colour in colours)
    lighter, darker = max(foreground, background), min(foreground, background)
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5, f"text {colours[0]} on {colours[1]}"


def _luminance(css_colour: str) -> float:
    """WCAG's relative luminance of an `rgb(…)` colour."""
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", css_colour)[:3])

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
