"""League tables computed from results: pure functions over plain dataclasses, no database.

`standings(teams, results, deductions=..., tie_breakers=..., names=...)` returns one `Row` per
team, positions 1..n with no shared places. The services layer calls it with Team primary
keys when a result changes and stores what it returns; pages only read the stored table.

The rules:

- 3 points a win, 1 a draw, 0 a defeat; a deduction is taken off the total (a table may show
  negative points).
- Points always rank first. Teams level on points are then separated by the season's
  tie-breakers, in order, each applied only among the teams still level after the ones
  before it (see `TieBreaker`).
- Teams still level on every criterion are ordered alphabetically by name (or by key when no
  names are given), so the same results always give the same table, as official tables never
  show two teams in one place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal, get_args

__all__ = [
    "HEAD_TO_HEAD_FIRST",
    "PREMIER_LEAGUE",
    "TIE_BREAKERS",
    "Result",
    "Row",
    "TieBreaker",
    "standings",
]

POINTS_FOR_WIN = 3
POINTS_FOR_DRAW = 1
FORM_LENGTH = 5

TieBreaker = Literal[
    "goal_difference",
    "goals_for",
    "head_to_head",
    "head_to_head_goal_difference",
    "head_to_head_goals_for",
    "away_goals_head_to_head",
    "name",
]
"""One criterion that separates teams level on points.

Over the whole season:

- ``"goal_difference"``: more goals scored minus goals conceded ranks higher.
- ``"goals_for"``: more goals scored ranks higher.

Over a mini-table of only the matches between the teams still level (Premier League rule
C.17; La Liga, Serie A and UEFA put these first):

- ``"head_to_head"``: more points in those matches.
- ``"head_to_head_goal_difference"``: better goal difference in those matches.
- ``"head_to_head_goals_for"``: more goals scored in those matches.
- ``"away_goals_head_to_head"``: more goals scored away from home in those matches.

A run of head-to-head criteria next to each other is applied together; if it separates some
of the teams but leaves a smaller group still level, the run starts again on a mini-table of
that smaller group's matches alone (UEFA's rule, and the only reading under which a team's
place cannot depend on results against a team already ranked apart). A group it does not
split at all moves on to the criteria after the run.

- ``"name"``: alphabetical order; always applied last anyway, so listing it only matters
  before other criteria.
"""

TIE_BREAKERS: frozenset[str] = frozenset(get_args(TieBreaker))
"""Every valid `TieBreaker`, for validating a season's stored order."""

PREMIER_LEAGUE: tuple[TieBreaker, ...] = ("goal_difference", "goals_for", "head_to_head")
"""Points, then goal difference, goals scored, and points in the matches between the teams."""

HEAD_TO_HEAD_FIRST: tuple[TieBreaker, ...] = ("head_to_head", "goal_difference", "goals_for")
"""Points, then points between the teams level, then goal difference and goals scored."""

_HEAD_TO_HEAD = frozenset(
    {
        "head_to_head",
        "head_to_head_goal_difference",
        "head_to_head_goals_for",
        "away_goals_head_to_head",
    }
)
_NO_DEDUCTIONS: Mapping[Any, int] = MappingProxyType({})


@dataclass(frozen=True)
class Result:
    """One finished match; `home` and `away` are team keys, `kickoff` orders the form."""

    home: Hashable
    away: Hashable
    home_goals: int
    away_goals: int
    kickoff: datetime


@dataclass(frozen=True)
class Row:
    """One team's line in the table; `points` are after the `deducted` points are taken off."""

    position: int
    team: Hashable
    played: int
    won: int
    drawn: int
    lost: int
    goals_for: int
    goals_against: int
    deducted: int
    points: int
    form: str
    """The last five results, oldest first, as letters: "WWDLW" (shorter if fewer played)."""
    goal_difference: int = field(init=False)

    def __post_init__(self) -> None:
        # A field rather than a property, so dataclasses.asdict() and serialisers see it; it
        # is derived, so it cannot disagree with the goals.
        object.__setattr__(self, "goal_difference", self.goals_for - self.goals_against)


@dataclass(slots=True)
class _Tally:
    played: int = 0
    won: int = 0
    drawn: int = 0
    lost: int = 0
    goals_for: int = 0
    goals_against: int = 0
    form: list[str] = field(default_factory=list)

    @property
    def points(self) -> int:
        return POINTS_FOR_WIN * self.won + POINTS_FOR_DRAW * self.drawn

    def add(self, scored: int, conceded: int) -> None:
        self.played += 1
        self.goals_for += scored
        self.goals_against += conceded
        if scored > conceded:
            self.won += 1
            self.form.append("W")
        elif scored == conceded:
            self.drawn += 1
            self.form.append("D")
        else:
            self.lost += 1
            self.form.append("L")


def standings(
    teams: Iterable[Hashable],
    results: Iterable[Result],
    *,
    # Any, not Hashable: Mapping's keys are invariant, so Mapping[Hashable, int] would refuse
    # the dict[int, int] of primary keys a caller has.
    deductions: Mapping[Any, int] = _NO_DEDUCTIONS,
    tie_breakers: Sequence[TieBreaker] = PREMIER_LEAGUE,
    names: Mapping[Any, str] | None = None,
) -> list[Row]:
    """The league table of `results`, best first, one row per team.

    Every team in `teams`, in `results` or in `deductions` gets a row, with no matches if it
    has played none. `deductions` maps a team to the points taken off it (a positive number:
    Everton's 8). `tie_breakers` separate teams level on points (see `TieBreaker`). `names`
    gives the alphabetical order of the last resort; without it the team keys themselves are
    compared, so they must be orderable (primary keys are).

    Raises ValueError for an unknown tie-breaker, a team playing itself or negative goals.
    """
    unknown = [criterion for criterion in tie_breakers if criterion not in TIE_BREAKERS]
    if unknown:
        raise ValueError(f"Unknown tie-breaker {unknown[0]!r}; expected one of {_choices()}.")

    tallies: defaultdict[Hashable, _Tally] = defaultdict(_Tally, {team: _Tally() for team in teams})
    between: defaultdict[tuple[Hashable, Hashable], list[Result]] = defaultdict(list)
    # Sorted once so each team's form is in kickoff order; sorted() is stable, so matches
    # kicking off together keep the order they were given in.
    for result in sorted(results, key=_kickoff):
        if result.home == result.away:
            raise ValueError(f"{result.home!r} cannot play itself: {result}.")
        if result.home_goals < 0 or result.away_goals < 0:
            raise ValueError(f"Goals cannot be negative: {result}.")
        tallies[result.home].add(result.home_goals, result.away_goals)
        tallies[result.away].add(result.away_goals, result.home_goals)
        between[result.home, result.away].append(result)
    for team in deductions:
        tallies.setdefault(team, _Tally())

    points = {team: tally.points - deductions.get(team, 0) for team, tally in tallies.items()}
    first_seen = {team: index for index, team in enumerate(tallies)}
    if names is None:
        alphabetical: dict[Hashable, Any] = {team: (team, 0) for team in tallies}
    else:
        # The first-seen index only separates two teams given the same name.
        alphabetical = {
            team: (_name_key(names.get(team, str(team))), first_seen[team]) for team in tallies
        }
    ranking = _Ranking(tallies, between, alphabetical, tuple(tie_breakers))

    order: list[Hashable] = []
    for group in _split(list(tallies), lambda team: points[team]):
        order.extend(ranking.rank(group, 0))

    return [
        Row(
            position=position,
            team=team,
            played=tallies[team].played,
            won=tallies[team].won,
            drawn=tallies[team].drawn,
            lost=tallies[team].lost,
            goals_for=tallies[team].goals_for,
            goals_against=tallies[team].goals_against,
            deducted=deductions.get(team, 0),
            points=points[team],
            form="".join(tallies[team].form[-FORM_LENGTH:]),
        )
        for position, team in enumerate(order, start=1)
    ]


class _Ranking:
    """Orders groups of teams level on points by the tie-breakers from a given index on."""

    def __init__(
        self,
        tallies: Mapping[Hashable, _Tally],
        between: Mapping[tuple[Hashable, Hashable], list[Result]],
        alphabetical: Mapping[Hashable, Any],
        tie_breakers: tuple[TieBreaker, ...],
    ) -> None:
        self.tallies = tallies
        self.between = between
        self.alphabetical = alphabetical
        self.tie_breakers = tie_breakers

    def rank(self, group: list[Hashable], start: int) -> list[Hashable]:
        """`group` (teams level so far) in order, by the tie-breakers from `start` on."""
        if len(group) == 1:
            return group
        if start == len(self.tie_breakers) or self.tie_breakers[start] == "name":
            # Names (with the first-seen index behind them) or keys are all different, so
            # nothing after this can matter.
            return sorted(group, key=self.alphabetical.__getitem__)
        criterion = self.tie_breakers[start]
        if criterion not in _HEAD_TO_HEAD:
            ordered = []
            for level in _split(group, self._season_key(criterion)):
                ordered.extend(self.rank(level, start + 1))
            return ordered

        end = start
        while end < len(self.tie_breakers) and self.tie_breakers[end] in _HEAD_TO_HEAD:
            end += 1
        mini_table = self._mini_table(group)
        run = self.tie_breakers[start:end]
        ordered = []
        for level in _split(group, lambda team: tuple(mini_table[team][c] for c in run)):
            # A smaller group still level gets a mini-table of its own matches; a group the
            # run did not split at all goes on to the criteria after it.
            ordered.extend(self.rank(level, start if len(level) < len(group) else end))
        return ordered

    def _season_key(self, criterion: TieBreaker) -> Any:
        tallies = self.tallies
        if criterion == "goal_difference":
            return lambda team: tallies[team].goals_for - tallies[team].goals_against
        # "goals_for"
        return lambda team: tallies[team].goals_for

    def _mini_table(self, group: list[Hashable]) -> dict[Hashable, dict[str, int]]:
        table = {
            team: dict.fromkeys(
                (
                    "head_to_head",
                    "head_to_head_goal_difference",
                    "head_to_head_goals_for",
                    "away_goals_head_to_head",
                ),
                0,
            )
            for team in group
        }
        for home in group:
            for away in group:
                for result in self.between.get((home, away), ()):
                    home_row, away_row = table[home], table[away]
                    home_row["head_to_head_goals_for"] += result.home_goals
                    away_row["head_to_head_goals_for"] += result.away_goals
                    away_row["away_goals_head_to_head"] += result.away_goals
                    margin = result.home_goals - result.away_goals
                    home_row["head_to_head_goal_difference"] += margin
                    away_row["head_to_head_goal_difference"] -= margin
                    if margin > 0:
                        home_row["head_to_head"] += POINTS_FOR_WIN
                    elif margin < 0:
                        away_row["head_to_head"] += POINTS_FOR_WIN
                    else:
                        home_row["head_to_head"] += POINTS_FOR_DRAW
                        away_row["head_to_head"] += POINTS_FOR_DRAW
        return table


def _split(group: list[Hashable], key: Any) -> list[list[Hashable]]:
    """`group` sorted by `key`, highest first, cut into runs of teams with equal keys."""
    levels: list[list[Hashable]] = []
    previous = object()
    for team in sorted(group, key=key, reverse=True):
        value = key(team)
        if levels and value == previous:
            levels[-1].append(team)
        else:
            levels.append([team])
            previous = value
    return levels


def _kickoff(result: Result) -> datetime:
    return result.kickoff


def _name_key(name: str) -> tuple[str, str]:
    # Case-insensitive first ("AFC Bournemouth" beside "Arsenal FC"), then exact, so the order
    # never depends on the order the teams came in.
    return (name.casefold(), name)


def _choices() -> str:
    return ", ".join(sorted(TIE_BREAKERS))
