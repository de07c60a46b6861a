"""Turn an article's Markdown into the HTML the site shows, once, when the article is saved.

Everything an editor, a story file or an API client writes is untrusted: raw HTML in the
Markdown is escaped by the parser, and the parser's output is sanitised again by nh3 (an
allow-list of tags, and only http, https and mailto links) before mentions are linked.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt

from articles.mentions import MentionIndex, Mentions

_markdown = MarkdownIt("commonmark", {"html": False})
# Pictures come from the article's image field (sized, with alt text), not from the body.
_markdown.disable("image")

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "a",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
EXCERPT_LENGTH = 200


@dataclass(frozen=True)
class RenderedBody:
    html: str
    excerpt: str
    word_count: int
    mentions: Mentions


def markdown_to_safe_html(source: str) -> str:
    rendered = _markdown.render(source)
    # Demote headings so that an editor's "# Heading" cannot compete with the headline.
    rendered = re.sub(r"<(/?)h1>", r"<\1h2>", rendered)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def plain_text(safe_html: str) -> str:
    return html.unescape(_TAG.sub(" ", safe_html))


def excerpt_of(safe_html: str, length: int = EXCERPT_LENGTH) -> str:
    """The first paragraph as plain text, cut at a word boundary."""
    first = safe_html.split("</p>", 1)[0]
    text = " ".join(plain_text(first).split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(",;:–—-") + "…"


def render_body(*, title: str, standfirst: str, body: str, index: MentionIndex) -> RenderedBody:
    """Render, sanitise and mention-link an article's body; find everything it mentions."""
    safe_html = markdown_to_safe_html(body)
    linked_html, in_body = index.link_first_mentions(safe_html)
    return RenderedBody(
        html=linked_html,
        excerpt=excerpt_of(safe_html),
        word_count=len(_WORD.findall(plain_text(safe_html))),
        mentions=in_body | index.mentions(title, standfirst),
    )
