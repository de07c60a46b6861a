"""The mention matcher, on hand-made indexes (no database) and on the demo club."""

from __future__ import annotations

import pytest

from articles.mentions import MentionIndex, Target

TRENT = Target("player", 66, "/squad/trent-alexander-arnold/")
KELLEHER = Target("player", 62, "/squad/caoimhin-kelleher/")
VAN_DIJK = Target("player", 4, "/squad/virgil-van-dijk/")
JONES = Target("player", 17, "/squad/curtis-jones/")
OTHER_JONES = Target("player", 99, "/squad/someone-jones/")
LEAGUE_CUP = Target("trophy", 1, "/trophies/league-cup/")
PREMIER_LEAGUE = Target("trophy", 2, "/trophies/premier-league/")


@pytest.fixture
def index() -> MentionIndex:
    return MentionIndex(
        [
            (TRENT, ["Trent Alexander-Arnold", "Alexander-Arnold", "Trent"]),
            (KELLEHER, ["Caoimhín Kelleher", "Kelleher"]),
            (VAN_DIJK, ["Virgil van Dijk", "Van Dijk"]),
            (JONES, ["Curtis Jones", "Jones"]),
            (OTHER_JONES, ["Someone Jones", "Jones"]),
            (LEAGUE_CUP, ["League Cup", "English League Cup", "Carabao Cup"]),
            (PREMIER_LEAGUE, ["Premier League"]),
        ]
    )


def spans(index: MentionIndex, text: str) -> list[tuple[str, Target]]:
    return [(text[m.start : m.end], m.target) for m in index.find(text)]


def test_accents_are_ignored_both_ways(index):
    assert spans(index, "Caoimhin Kelleher saved it") == [("Caoimhin Kelleher", KELLEHER)]
    assert spans(index, "CAOIMHÍN KELLEHER!") == [("CAOIMHÍN KELLEHER", KELLEHER)]


def test_hyphens_count_as_spaces(index):
    text = "After missing the match, Trent-Alexander Arnold posed for photos."
    assert spans(index, text) == [("Trent-Alexander Arnold", TRENT)]


def test_positions_index_the_original_text_after_accents_expand(index):
    text = "ﬁrst Caoimhín Kelleher"  # the ligature folds to two letters
    assert spans(index, text) == [("Caoimhín Kelleher", KELLEHER)]


def test_longest_alias_wins(index):
    assert spans(index, "the English League Cup final") == [("English League Cup", LEAGUE_CUP)]
    assert spans(index, "Virgil van Dijk and Van Dijk") == [
        ("Virgil van Dijk", VAN_DIJK),
        ("Van Dijk", VAN_DIJK),
    ]


def test_whole_words_only(index):
    assert spans(index, "Trenton and Kellehers and Premier Leagues") == []
    assert spans(index, "Van Dijk’s header") == [("Van Dijk", VAN_DIJK)]


def test_an_alias_claimed_twice_matches_neither(index):
    assert spans(index, "Jones scored") == []
    assert spans(index, "Curtis Jones scored") == [("Curtis Jones", JONES)]


def test_mentions_collects_players_and_trophies_from_every_text(index):
    found = index.mentions("Kelleher's night", "", "won the Carabao Cup")
    assert found.player_ids == {62}
    assert found.trophy_ids == {1}


def test_only_the_first_mention_is_linked(index):
    html = "<p>Kelleher saved. Kelleher again.</p><p>Kelleher once more.</p>"
    assert index.link_first_mentions(html)[0] == (
        '<p><a class="mention mention-player" href="/squad/caoimhin-kelleher/">Kelleher</a>'
        " saved. Kelleher again.</p><p>Kelleher once more.</p>"
    )


def test_text_inside_links_and_code_is_not_linked_and_tags_are_untouched(index):
    html = (
        '<p><a href="https://example.com/kelleher">Kelleher</a> and <code>Trent</code>'
        ' <strong title="Van Dijk">Van Dijk</strong></p>'
    )
    linked, found = index.link_first_mentions(html)
    assert linked == (
        '<p><a href="https://example.com/kelleher">Kelleher</a> and <code>Trent</code>'
        ' <strong title="Van Dijk"><a class="mention mention-player" '
        'href="/squad/virgil-van-dijk/">Van Dijk</a></strong></p>'
    )
    # Names inside links and code still count as mentions; they are just not linked again.
    assert found.player_ids == {62, 66, 4}


def test_an_empty_index_finds_nothing():
    assert MentionIndex([]).find("Anything at all") == []


@pytest.mark.django_db
def test_demo_club_aliases_find_the_seed_names(club):
    index = MentionIndex.from_database()
    text = (
        "Jurgen Klopp, Caoimhin Kelleher, Luis Diaz, Trent-Alexander Arnold, Van Dijk, "
        "Andy Robertson, Harvey Elliott, Joe Gomez; the Carabao Cup, the English League Cup, "
        "the FA Cup, the Premier League, the Champions League and the Europa League."
    )
    found = [text[m.start : m.end] for m in index.find(text)]
    assert found == [
        "Jurgen Klopp",
        "Caoimhin Kelleher",
        "Luis Diaz",
        "Trent-Alexander Arnold",
        "Van Dijk",
        "Andy Robertson",
        "Harvey Elliott",
        "Joe Gomez",
        "Carabao Cup",
        "English League Cup",
        "FA Cup",
        "Premier League",
        "Champions League",
        "Europa League",
    ]
