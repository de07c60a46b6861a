"""What /api/matches and /api/tables answer. Matches, events and table rows are read as the
endpoints' queries loaded them (teams, season and competition selected with the match,
players with the events and line-ups): nothing here runs a query."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from matches.models import LineupEntry, Match, MatchEvent, TableRow

# Match.Status's values (a test keeps them in step): the `status` filter and field.
MatchStatus = Literal[
    "scheduled", "live", "finished", "postponed", "cancelled", "abandoned", "awarded"
]
EventKind = Literal[
    "goal", "own_goal", "penalty_goal", "penalty_missed", "yellow", "red", "sub_on", "sub_off"
]


def _absolute(context: Any, path: str) -> str:
    return context["request"].build_absolute_uri(path)


class NamedOut(Schema):
    """A competition or a season."""

    name: str
    slug: str


class TeamOut(Schema):
    name: str = Field(description='The full name: "Chelsea FC".')
    short_name: str = Field(description='As tables print it: "Chelsea".')
    slug: str


class PersonOut(Schema):
    """One of the club's players or staff (an opponent's player is only a name)."""

    name: str
    slug: str
    url: str

    @staticmethod
    def resolve_url(obj: Any, context: Any) -> str:
        return _absolute(context, obj.get_absolute_url())


class ScoreOut(Schema):
    home: int = Field(description="After extra time when it was played.")
    away: int
    home_ht: int | None = Field(description="At half time; null when not known.")
    away_ht: int | None
    extra_time: bool
    home_penalties: int | None = Field(description="In a shoot-out; null without one.")
    away_penalties: int | None


class MatchFields(Schema):
    slug: str
    url: str = Field(description="The match's page.")
    competition: NamedOut
    season: NamedOut
    round: str = Field(description='"Matchday 1", "Final"; may be blank.')
    kickoff: dt.datetime = Field(description="In UTC.")
    home: TeamOut
    away: TeamOut
    venue: str = Field(description="Where it is played: the home team's ground unless given.")
    status: MatchStatus
    score: ScoreOut | None = Field(
        description="Null until the match has a score (a live match's is the score so far)."
    )


class MatchListOut(MatchFields):
    @staticmethod
    def resolve_url(obj: Match, context: Any) -> str:
        return _absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_competition(obj: Match) -> Any:
        return obj.season.competition

    @staticmethod
    def resolve_venue(obj: Match) -> str:
        return obj.ground

    @staticmethod
    def resolve_score(obj: Match) -> dict[str, Any] | None:
        if not obj.has_score:
            return None
        return {
            "home": obj.home_score,
            "away": obj.away_score,
            "home_ht": obj.home_score_ht,
            "away_ht": obj.away_score_ht,
            "extra_time": obj.extra_time,
            "home_penalties": obj.home_penalties,
            "away_penalties": obj.away_penalties,
        }


class EventOut(Schema):
    minute: int
    added_minute: int | None = Field(description="Stoppage time: 2 for 90+2'.")
    kind: EventKind
    team: str = Field(description="The slug of the player's team (an own goal's scorer's).")
    player: PersonOut | None = Field(description="One of the club's players; null for others.")
    player_name: str = Field(description="Who, as the page prints it, for every player.")

    @staticmethod
    def resolve_team(obj: MatchEvent) -> str:
        return obj.team.slug

    @staticmethod
    def resolve_player_name(obj: MatchEvent) -> str:
        return obj.who


class LineupOut(Schema):
    team: str = Field(description="The team's slug.")
    player: PersonOut | None = Field(description="One of the club's players; null for others.")
    player_name: str = Field(description="Who, as the page prints it, for every player.")
    shirt_number: int | None
    starting: bool = Field(description="False: on the bench.")

    @staticmethod
    def resolve_team(obj: LineupEntry) -> str:
        return obj.team.slug

    @staticmethod
    def resolve_player_name(obj: LineupEntry) -> str:
        return obj.who


class MatchArticleOut(Schema):
    """A published article about the match."""

    slug: str
    title: str
    role: Literal["preview", "report"]
    published_at: dt.datetime
    url: str


class MatchOut(MatchFields):
    """Built by the endpoint: MatchListOut's fields, and the events, line-ups and articles
    its queries read."""

    events: list[EventOut] = Field(description="Goals, cards and substitutions, by minute.")
    lineups: list[LineupOut] = Field(
        description="Home side first, starting players then the bench; empty when not entered."
    )
    articles: list[MatchArticleOut] = Field(description="Its reports and previews, newest first.")


class TableRowOut(Schema):
    position: int
    team: TeamOut
    played: int
    won: int
    drawn: int
    lost: int
    goals_for: int
    goals_against: int
    goal_difference: int
    points: int = Field(description="After deductions.")
    deducted: int = Field(description="Points taken away (8 for −8).")
    form: str = Field(description='The last five results, oldest first: "WWDLW".')

    @staticmethod
    def resolve_team(obj: TableRow) -> Any:
        return obj.team


class DeductionOut(Schema):
    team: TeamOut
    points: int
    reason: str


class TableOut(Schema):
    competition: NamedOut
    season: NamedOut
    updated_at: dt.datetime | None = Field(description="When a result last changed the table.")
    rows: list[TableRowOut]
    deductions: list[DeductionOut]
