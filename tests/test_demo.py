"""The demo club and `make demo`'s commands."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from fanportal.demo import load_demo_club
from matches.models import Competition, Deduction, Season, Team
from matches.services import team_save
from players.models import Player
from players.services import player_save
from tests.conftest import SEEDS
from trophies.models import Honour, Trophy

pytestmark = pytest.mark.django_db

# Everything `make demo`'s load_demo_club creates: 35 people, 5 trophies, 47 honours,
# 3 competitions, 3 seasons, 26 teams and 2 deductions.
EVERYTHING = 121


@pytest.fixture
def demo(db):
    """The club file and the matches' teams file, as `make demo` loads them."""
    return load_demo_club(SEEDS / "club.toml", teams=SEEDS / "matches" / "teams.toml")


def test_demo_club_counts(demo):
    assert str(demo) == (
        "35 people created, 5 trophies created, 47 honours created, 3 competitions created, "
        "3 seasons created, 26 teams created, 2 deductions created; 0 already there, "
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


def test_the_club_file_alone_creates_no_teams(club):
    assert str(club).startswith(
        "35 people created, 5 trophies created, 47 honours created, 0 competitions created, "
    )
    assert not Team.objects.exists()


def test_the_demo_seasons_teams_and_deductions(demo):
    league = Competition.objects.get(slug="premier-league")
    assert (league.kind, league.trophy.slug) == (Competition.Kind.LEAGUE, "premier-league")
    cup = Competition.objects.get(slug="league-cup")
    assert (cup.kind, cup.trophy.slug) == (Competition.Kind.CUP, "league-cup")
    assert "Carabao Cup" in cup.aliases.splitlines()
    season = Season.objects.get(competition=league, slug="2023-24")
    assert (season.name, season.starts_on, season.ends_on) == (
        "2023–24",
        dt.date(2023, 8, 11),
        dt.date(2024, 5, 19),
    )
    assert Team.objects.club().name == "Liverpool FC"
    assert Team.objects.get(slug="nottm-forest").aliases.splitlines() == [
        "Nottingham Forest",
        "Nott'm Forest",
        "Forest",
    ]
    assert sorted(
        (deduction.team.short_name, deduction.points)
        for deduction in Deduction.objects.filter(season=season)
    ) == [("Everton", 8), ("Nottm Forest", 4)]
    assert Team.objects.filter(ground="").count() == 0


def test_loading_twice_changes_nothing(demo):
    before = fingerprint()
    out = io.StringIO()
    call_command("load_demo_club", stdout=out)
    assert out.getvalue() == (
        "Demo club: 0 people created, 0 trophies created, 0 honours created, "
        "0 competitions created, 0 seasons created, 0 teams created, 0 deductions created; "
        f"{EVERYTHING} already there, left as they are\n"
    )
    assert fingerprint() == before


def fingerprint() -> list[tuple]:
    """Every row the loader writes, with every field and link."""
    return [
        *Player.objects.order_by("pk").values_list(),
        *Trophy.objects.order_by("pk").values_list(),
        *Honour.objects.order_by("pk").values_list(),
        *Honour.squad.through.objects.order_by("pk").values_list(),
        *Competition.objects.order_by("pk").values_list(),
        *Season.objects.order_by("pk").values_list(),
        *Team.objects.order_by("pk").values_list(),
        *Deduction.objects.order_by("pk").values_list(),
    ]


def test_an_editors_changes_survive_a_reload(demo):
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
    spurs = Team.objects.get(slug="tottenham")
    spurs.aliases = "Lilywhites"
    team_save(team=spurs)
    Deduction.objects.filter(team__slug="everton").update(reason="Edited.")
    before = fingerprint()

    call_command("load_demo_club", stdout=io.StringIO())

    assert fingerprint() == before
    assert Player.objects.get(slug="joe-gomez").aliases == "Joey"


def test_what_is_missing_is_created_and_named(demo):
    Player.objects.get(slug="joe-gomez").delete()
    Honour.objects.get(trophy__slug="league-cup", season="2023–24").delete()
    Team.objects.get(slug="norwich").delete()
    Deduction.objects.get(team__slug="everton").delete()
    out = io.StringIO()
    call_command("load_demo_club", verbosity=2, stdout=out)
    assert out.getvalue() == (
        "created Joe Gomez\n"
        "created League Cup 2023–24\n"
        "created Norwich City FC\n"
        "created Everton FC −8 (Premier League 2023–24)\n"
        "Demo club: 1 person created, 0 trophies created, 1 honour created, "
        "0 competitions created, 0 seasons created, 1 team created, 1 deduction created; "
        f"{EVERYTHING - 4} already there, left as they are\n"
    )
    final = Honour.objects.get(trophy__slug="league-cup", season="2023–24")
    assert final.squad.filter(slug="joe-gomez").exists()


def test_a_dry_run_says_what_it_would_create_and_writes_nothing(db):
    out = io.StringIO()
    call_command("load_demo_club", "--dry-run", stdout=out)
    assert out.getvalue() == (
        "Demo club (dry run): 35 people created, 5 trophies created, 47 honours created, "
        "3 competitions created, 3 seasons created, 26 teams created, 2 deductions created; "
        "0 already there, left as they are\n"
    )
    assert not Player.objects.exists()
    assert not Team.objects.exists()


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
