"""The demo club and `make demo`'s commands."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from players.models import Player
from players.services import player_save
from trophies.models import Honour, Trophy

pytestmark = pytest.mark.django_db


def test_demo_club_counts(club):
    assert str(club) == "35 people, 5 trophies, 47 honours"
    assert Player.objects.squad().count() == 29
    assert Player.objects.staff().count() == 6
    assert set(Trophy.objects.values_list("slug", flat=True)) == {
        "league-cup",
        "premier-league",
        "fa-cup",
        "champions-league",
        "europa-league",
    }


def test_the_2024_league_cup_win(club):
    honour = Honour.objects.get(trophy__slug="league-cup", season="2023–24")
    assert honour.won_on == dt.date(2024, 2, 25)
    assert honour.final_opponent == "Chelsea"
    assert honour.score == "1–0 (after extra time)"
    assert honour.captain.name == "Virgil van Dijk"


def test_every_player_the_seed_stories_name_is_in_the_squad(club):
    for slug in [
        "jurgen-klopp",
        "joe-gomez",
        "virgil-van-dijk",
        "caoimhin-kelleher",
        "harvey-elliott",
        "luis-diaz",
        "trent-alexander-arnold",
        "andy-robertson",
    ]:
        assert Player.objects.filter(slug=slug).exists(), slug
    assert Player.objects.get(slug="jurgen-klopp").kind == Player.Kind.MANAGER


def test_loading_twice_changes_nothing(club):
    before = (Player.objects.count(), Trophy.objects.count(), Honour.objects.count())
    out = io.StringIO()
    call_command("load_demo_club", stdout=out)
    assert out.getvalue() == "Demo club loaded: 35 people, 5 trophies, 47 honours\n"
    assert (Player.objects.count(), Trophy.objects.count(), Honour.objects.count()) == before


def test_a_missing_club_file_is_a_one_line_error(db, tmp_path):
    with pytest.raises(CommandError, match=f"^{tmp_path}/none.toml: no such file$"):
        call_command("load_demo_club", str(tmp_path / "none.toml"))


def test_relink_mentions_after_an_alias_changes(seeded):
    from articles.models import Article

    gomez = Player.objects.get(slug="joe-gomez")
    article = Article.objects.get(source_name__endswith="000_a77e374b8cfda861.txt")
    gomez.aliases = ""
    gomez.name = "Joseph Gomez"
    player_save(player=gomez)
    out = io.StringIO()
    call_command("relink_mentions", stdout=out)
    assert out.getvalue() == "2 articles relinked\n"
    assert not article.players.filter(pk=gomez.pk).exists()
    assert 'href="/squad/joe-gomez/"' not in Article.objects.get(pk=article.pk).body_html
