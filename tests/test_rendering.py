"""Markdown to sanitised HTML, with excerpt and word count."""

from __future__ import annotations

import pytest

from articles.mentions import MentionIndex, Target
from articles.rendering import excerpt_of, markdown_to_safe_html, render_body


@pytest.mark.parametrize(
    "source, expected",
    [
        ("Plain **bold** and _italic_.", "<p>Plain <strong>bold</strong> and <em>italic</em>.</p>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ('<img src=x onerror="alert(1)">', '<p>&lt;img src=x onerror="alert(1)"&gt;</p>'),
        ("[click](javascript:alert(1))", "<p>[click](javascript:alert(1))</p>"),
        # No pictures from elsewhere in a body: an image becomes a plain link to it.
        (
            "![pic](https://example.com/a.png)",
            '<p>!<a href="https://example.com/a.png" rel="noopener noreferrer">pic</a></p>',
        ),
        ("# A heading", "<h2>A heading</h2>"),
    ],
)
def test_markdown_is_rendered_and_sanitised(source, expected):
    assert markdown_to_safe_html(source).strip() == expected


def test_safe_links_keep_their_target_and_gain_rel():
    assert markdown_to_safe_html("[club](https://www.liverpoolfc.com)").strip() == (
        '<p><a href="https://www.liverpoolfc.com" rel="noopener noreferrer">club</a></p>'
    )


def test_excerpt_is_the_first_paragraph_cut_at_a_word():
    html = "<p>" + "word " * 60 + "</p><p>Second.</p>"
    excerpt = excerpt_of(html)
    assert excerpt.endswith("word…")
    assert len(excerpt) <= 201


def test_render_body_counts_words_links_mentions_and_finds_them_in_the_title():
    index = MentionIndex([(Target("player", 4, "/squad/virgil-van-dijk/"), ["Van Dijk"])])
    rendered = render_body(
        title="Van Dijk’s night", standfirst="", body="A header won it.\n\nIt’s over.", index=index
    )
    assert rendered.word_count == 6
    assert rendered.mentions.player_ids == {4}
    assert "mention" not in rendered.html  # the title is not part of the body
    assert rendered.excerpt == "A header won it."
