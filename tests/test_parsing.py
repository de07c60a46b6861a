"""The story parser: pure, so these tests need no database."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from articles.stories import StoryError, parse_story
from tests.conftest import SEEDS

SEED_000 = SEEDS / "000_a77e374b8cfda861.txt"
SEED_003 = SEEDS / "003_b453b6c647e06dae.txt"


def parse(text: str | bytes, name: str = "story.txt"):
    return parse_story(text, source_name=name)


def error_of(text: str | bytes, name: str = "story.txt") -> str:
    with pytest.raises(StoryError) as caught:
        parse(text, name)
    return str(caught.value)


def test_seed_000_has_a_title_without_its_full_stop_and_no_standfirst():
    story = parse(SEED_000.read_bytes(), SEED_000.name)
    assert story.title == "Jurgen Klopp's last dance at Liverpool is off to the perfect start"
    assert story.published_on == dt.date(2024, 2, 26)
    # The first paragraph ends with a full stop, so it is body, not standfirst.
    assert story.standfirst == ""
    assert story.body.startswith("Klopp steps down as manager at the end of the season")
    assert story.body.endswith(
        'Liverpool Football Club will be fine and that’s the most important thing."'
    )
    assert story.body.count("\n\n") == 14  # fifteen paragraphs


def test_seed_003_has_a_standfirst():
    story = parse(SEED_003.read_bytes(), SEED_003.name)
    assert (
        story.title
        == "Liverpool celebrated in style after defeating Chelsea in the Carabao Cup final"
    )
    assert (
        story.standfirst
        == "Calvin Harris and Dua Lipa’s ‘One Kiss’ blasted in the Wembley locker room"
    )
    assert story.body.startswith("The cameras provided a behind-the-scenes look")
    assert story.key == (
        "2024-02-26/liverpool-celebrated-in-style-after-defeating-chelsea-in-the-carabao-cup-final"
    )


def test_published_at_is_midnight_in_london():
    story = parse("date 2024-07-01 Summer story\n\nBody.")
    assert story.published_at.isoformat() == "2024-07-01T00:00:00+01:00"


def test_bom_and_crlf_give_the_same_story_and_hash_as_lf():
    plain = parse(b"date 2024-02-26 Headline\n\nStandfirst line\n\nBody text.\n")
    windows = parse(
        b"\xef\xbb\xbfdate 2024-02-26 Headline\r\n\r\nStandfirst line\r\n\r\nBody text.\r\n"
    )
    assert windows == plain
    assert (
        plain.source_hash
        == hashlib.sha256(b"date 2024-02-26 Headline\n\nStandfirst line\n\nBody text.").hexdigest()
    )


def test_leading_blank_lines_and_spaces_before_date_are_allowed():
    story = parse("\n\n   date 2024-02-26 Headline\n\nBody.")
    assert story.title == "Headline"
    assert story.body == "Body."


def test_lines_of_a_paragraph_stay_together():
    story = parse("date 2024-02-26 Headline\n\nFirst line\nsecond line.\n\nNext paragraph.")
    assert story.standfirst == ""
    assert story.body == "First line\nsecond line.\n\nNext paragraph."


@pytest.mark.parametrize(
    "first_paragraph, is_standfirst",
    [
        ("A short line with no closing punctuation", True),
        ("A sentence that ends with a full stop.", False),
        ("Did it end with a question?", False),
        ("It ended with a bang!", False),
        ("“It ended with a quote”", False),
        ("‘Single quotes too’", False),
        ("x" * 200, True),
        ("x" * 201, False),
    ],
)
def test_standfirst_rule(first_paragraph, is_standfirst):
    story = parse(f"date 2024-02-26 Headline\n\n{first_paragraph}\n\nThe body.")
    assert (story.standfirst == first_paragraph) is is_standfirst


def test_a_lone_paragraph_is_the_body_even_when_it_looks_like_a_standfirst():
    story = parse("date 2024-02-26 Headline\n\nJust one line")
    assert story.standfirst == ""
    assert story.body == "Just one line"


def test_only_one_trailing_full_stop_is_removed_and_ellipses_stay():
    assert parse("date 2024-02-26 Wait for it...\n\nBody.").title == "Wait for it..."
    assert parse("date 2024-02-26 Done.\n\nBody.").title == "Done"


def test_windows_1252_is_read_with_a_warning_naming_the_file():
    story = parse("date 2024-02-26 Klopp’s farewell\n\nIt’s over.".encode("cp1252"), "old.txt")
    assert story.title == "Klopp’s farewell"
    assert story.warnings == ("old.txt:1: not valid UTF-8 (byte 0x92); read as Windows-1252",)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "story.txt: empty file"),
        (b"  \n\n \r\n", "story.txt: empty file"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "story.txt:3: binary data (a NUL byte), not a text story",
        ),
        (
            b"date 2024-02-26 Title\n\nBody \x01 text",
            "story.txt:3: binary data (control character 0x01), not a text story",
        ),
        (
            b"Hello there\n\nBody.",
            'story.txt:1: no date line: expected "date YYYY-MM-DD HEADLINE", found "Hello there"',
        ),
        (
            b"\n\ndate 26/02/2024 Title\n\nBody.",
            'story.txt:3: date "26/02/2024" is not in the form YYYY-MM-DD',
        ),
        (b"date\n\nBody.", 'story.txt:1: no date after "date"'),
        (
            b"date 2024-02-30 Title\n\nBody.",
            "story.txt:1: impossible date 2024-02-30 (day is out of range for month)",
        ),
        (
            b"date 2024-13-01 Title\n\nBody.",
            "story.txt:1: impossible date 2024-13-01 (month must be in 1..12)",
        ),
        (b"date 2024-02-26\n\nBody.", "story.txt:1: no headline after the date"),
        (
            b"date 2024-02-26 Title only\n\n\n",
            "story.txt:1: no body: nothing follows the date line",
        ),
        (
            b"date 2024-02-26 Title \x81\x8d\n\nBody.",
            "story.txt:1: neither UTF-8 nor Windows-1252 text (byte 0x81)",
        ),
    ],
)
def test_bad_files_are_refused_with_one_line_naming_file_and_line(data, message):
    assert error_of(data) == message


def test_headline_over_the_limit_is_refused():
    assert error_of(f"date 2024-02-26 {'x' * 256}\n\nBody.") == (
        "story.txt:1: headline is 256 characters, over the 255-character limit"
    )


def test_files_over_the_size_cap_are_refused(settings):
    settings.FANPORTAL_STORY_MAX_BYTES = 100
    assert error_of(b"date 2024-02-26 Title\n\n" + b"x" * 100) == (
        "story.txt: file is larger than the 100-byte limit"
    )
    settings.FANPORTAL_STORY_MAX_BYTES = 2 * 1024 * 1024
    assert error_of(b"x" * (2 * 1024 * 1024 + 1)) == "story.txt: file is larger than the 2 MB limit"


def test_a_headline_with_no_letters_still_gets_a_slug():
    story = parse("date 2024-02-26 !!!\n\nBody.")
    assert story.slug == f"story-{story.source_hash[:8]}"
