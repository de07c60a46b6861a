"""Teams and matches in the site's search: "chelsea" or "Man City" finds the team, and the
club's matches against it, above the stories."""

from __future__ import annotations

from django.db.models import Q

from matches.models import Match, MatchQuerySet, Team
from matches.names import fold_name, names_of

# Shorter queries name too many teams by a part of a name ("a" is in most of them).
SHORTEST_PART = 4


def teams_named(query: str, teams: list[Team]) -> list[Team]:
    """The teams (never the club itself) that `query` names: one of a team's names (folded
    like the match import folds them) is a run of the query's words ("chelsea final",
    "man utd"), or the query is a run of words in a name ("forest", "hove albion")."""
    asked = f" {fold_name(query)} "
    if not asked.strip():
        return []
    found = []
    for team in teams:
        if team.is_club:
            continue
        for name in names_of(team):
            folded = f" {fold_name(name)} "
            if folded.strip() and (
                folded in asked or (len(asked.strip()) >= SHORTEST_PART and asked in folded)
            ):
                found.append(team)
                break
    return found


def named_teams(query: str) -> list[Team]:
    """The teams a search names, from one query of every team's names."""
    return teams_named(
        query, list(Team.objects.only("name", "short_name", "aliases", "slug", "is_club"))
    )


def club_matches_against(teams: list[Team], *, limit: int = 6) -> MatchQuerySet:
    """The club's matches against these teams, latest first."""
    return (
        Match.objects.for_listing()
        .of_club()
        .filter(Q(home__in=teams) | Q(away__in=teams))
        .order_by("-kickoff", "-pk")[:limit]
    )
