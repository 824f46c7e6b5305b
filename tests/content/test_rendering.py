"""Authors' Markdown becomes HTML with no markup of their own: raw HTML is shown as text,
scripts and script links never reach a page."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from confide.content.rendering import ALLOWED_TAGS, render


class Markup(HTMLParser):
    """Every element and attribute in a piece of HTML, as a browser would read them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "Hello <script>alert(1)</script> there",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        '<img src=x onerror="alert(1)">',
        "<iframe src='https://evil.example'></iframe>",
        '<a href="javascript:alert(1)">click</a>',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](javascript:alert(1))",
        "<div style='background:url(javascript:alert(1))'>x</div>",
        "```html\n<script>alert(1)</script>\n```",
        "<!-- <script>alert(1)</script> -->",
    ],
)
def test_no_markup_from_the_author_survives(markdown: str) -> None:
    html = render(markdown)
    markup = Markup(html)
    assert set(markup.tags) <= ALLOWED_TAGS, html
    assert not {"script", "img", "iframe", "div"} & set(markup.tags)
    for name, value in markup.attributes:
        assert name in ("href", "rel", "title", "start"), html
        if name == "href":
            assert value.startswith(("https:", "http:", "mailto:", "tel:", "/")), html


def test_raw_html_is_shown_as_text() -> None:
    assert render("a <b>bold</b> claim") == "<p>a &lt;b&gt;bold&lt;/b&gt; claim</p>\n"


def test_markdown_itself_renders() -> None:
    html = render("# Title\n\n## Part\n\n- one\n- **two**\n\n[help](https://988lifeline.org)")
    assert "<h2>Title</h2>" in html  # the page's h1 is its title
    assert "<h2>Part</h2>" in html
    assert "<li><strong>two</strong></li>" in html
    assert '<a href="https://988lifeline.org" rel="noopener noreferrer">help</a>' in html


def test_links_within_the_site_are_kept() -> None:
    assert 'href="/learn/when-to-see-a-therapist"' in render("[x](/learn/when-to-see-a-therapist)")
