"""Markdown to the HTML a page may show: CommonMark with raw HTML off, then sanitised.

Authors write Markdown, never HTML: markdown-it-py escapes any HTML in the text (`html=False`)
and refuses `javascript:` and similar links; nh3 (Ammonia) then keeps only the tags and
attributes below, as a second wall should a rule of the first ever change.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote",
        "code", "pre", "hr", "br",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"https", "http", "mailto", "tel"})

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
# The page's title is its h1: an author's "# heading" becomes an h2.
_markdown.core.ruler.push("shift_headings", lambda state: _shift_headings(state))


def _shift_headings(state: object) -> None:
    for token in state.tokens:  # type: ignore[attr-defined]
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"


@lru_cache(maxsize=256)
def render(markdown: str) -> str:
    """The sanitised HTML of an author's Markdown."""
    html = _markdown.render(markdown)
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
