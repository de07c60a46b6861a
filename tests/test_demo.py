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
    assert str(club) == (
        "35 people created, 5 trophies created, 47 honours created; 0 already there, "
        "left as they are"
    )
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
    before = fingerprint()
    out = io.StringIO()
    call_command("load_demo_club", stdout=out)
    assert out.getvalue() == (
        "Demo club: 0 people created, 0 trophies created, 0 honours created; "
        "87 already there, left as they are\n"
    )
    assert fingerprint() == before


def fingerprint() -> list[tuple]:
    """Every row the loader writes, with every field and link."""
    return [
        *Player.objects.order_by("pk").values_list(),
        *Trophy.objects.order_by("pk").values_list(),
        *Honour.objects.order_by("pk").values_list(),
        *Honour.squad.through.objects.order_by("pk").values_list(),
    ]


def test_an_editors_changes_survive_a_reload(club):
    gomez = Player.objects.get(slug="joe-gomez")
    gomez.aliases = "Joey"
    gomez.bio = "Written by an editor."
    player_save(player=gomez)
    cup = Trophy.objects.get(slug="league-cup")
    cup.aliases = "Carabao"
    cup.save()
    final = Honour.objects.get(trophy=cup, season="2023–24")
    final.score = "1–0 a.e.t."
    final.save()
    final.squad.clear()
    before = fingerprint()

    call_command("load_demo_club", stdout=io.StringIO())

    assert fingerprint() == before
    assert Player.objects.get(slug="joe-gomez").aliases == "Joey"


def test_what_is_missing_is_created_and_named(club):
    Player.objects.get(slug="joe-gomez").delete()
    Honour.objects.get(trophy__slug="league-cup", season="2023–24").delete()
    out = io.StringIO()
    call_command("load_demo_club", verbosity=2, stdout=out)
    assert out.getvalue() == (
        "created Joe Gomez\n"
        "created League Cup 2023–24\n"
        "Demo club: 1 person created, 0 trophies created, 1 honour created; "
        "85 already there, left as they are\n"
    )
    final = Honour.objects.get(trophy__slug="league-cup", season="2023–24")
    assert final.squad.filter(slug="joe-gomez").exists()


def test_a_dry_run_says_what_it_would_create_and_writes_nothing(db):
    out = io.StringIO()
    call_command("load_demo_club", "--dry-run", stdout=out)
    assert out.getvalue() == (
        "Demo club (dry run): 35 people created, 5 trophies created, 47 honours created; "
        "0 already there, left as they are\n"
    )
    assert not Player.objects.exists()


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
