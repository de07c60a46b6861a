"""What the public match pages read: one function per page (or page block), each making every
query that page needs and shaping the rows for its template, so templates call no query
methods and a page's query count does not grow with its matches, events or articles.

The league tables are read as `matches.services.recompute_table` stored them; nothing here
computes standings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from matches.models import Competition, LineupEntry, Match, MatchEvent, Season, TableRow, Team
from players.models import Player

# The club's part of the table on the home page: its row with this many either side.
TABLE_EXCERPT_REACH = 2


# ---------- /matches/ ----------


@dataclass(frozen=True)
class Month:
    """Matches of one calendar month (club time), in the order the list shows them, as
    their stored rows (Match.row_html)."""

    first_day: dt.date
    matches: list[str]


@dataclass(frozen=True)
class SeasonChoice:
    slug: str
    name: str


@dataclass(frozen=True)
class MatchList:
    """The fixtures and results of the club, for the chosen season(s) and competition."""

    seasons: list[SeasonChoice]  # every season the club has a match in, newest first
    competitions: list[Competition]  # the competitions of the chosen season
    season: SeasonChoice | None  # None: the club has no matches at all
    competition: Competition | None  # None: all competitions
    fixtures: list[Month]  # next first
    results: list[Month]  # latest first
    tables: list[Season]  # the league tables of the chosen season

    @property
    def is_empty(self) -> bool:
        return not self.fixtures and not self.results


class UnknownChoice(LookupError):
    """A season or competition the club has no matches in (the page answers 404)."""


# A match in the list: its kickoff, its status and its stored row.
Listed = tuple[dt.datetime, str, str]


def by_month(matches: Iterable[Listed]) -> list[Month]:
    return [
        Month(first_day, [row for _, _, row in group])
        for first_day, group in groupby(
            matches, key=lambda m: timezone.localtime(m[0]).date().replace(day=1)
        )
    ]


def is_fixture(kickoff: dt.datetime, status: str, now: dt.datetime) -> bool:
    """Still to come (or being played): listed with the fixtures. A cancelled match stays
    where its date puts it; a match without a result whose day has passed joins the results,
    marked by its status."""
    if status in Match.DECIDED:
        return False
    if status in Match.UNPLAYED:
        return kickoff > now - Match.LENGTH
    return kickoff >= now


def club_seasons() -> list[Season]:
    """The seasons the club has a match in, newest first, with their competitions."""
    return list(
        Season.objects.filter(pk__in=Match.objects.of_club().values("season_id"))
        .select_related("competition")
        .order_by("-starts_on", "competition__kind", "competition__name")
    )


def default_season(seasons: Sequence[Season], today: dt.date) -> str:
    """The season being played (or the last one played), by slug: "2023-24"."""
    current = [s for s in seasons if s.starts_on <= today]
    return (current or list(seasons))[0].slug


def match_list(
    *, season: str | None, competition: str | None, now: dt.datetime | None = None
) -> MatchList:
    """Two queries: the club's seasons, and its matches of the chosen ones."""
    now = now or timezone.now()
    seasons = club_seasons()
    choices: list[SeasonChoice] = []
    for s in seasons:
        if not any(c.slug == s.slug for c in choices):
            choices.append(SeasonChoice(s.slug, s.name))
    if season is not None and not any(c.slug == season for c in choices):
        raise UnknownChoice(f"season {season!r}")
    known = {s.competition.slug: s.competition for s in seasons}
    if competition is not None and competition not in known:
        raise UnknownChoice(f"competition {competition!r}")
    if not seasons:
        return MatchList([], [], None, None, [], [], [])
    slug = season or default_season(seasons, timezone.localdate(now))
    of_season = [s for s in seasons if s.slug == slug]
    chosen = [s for s in of_season if competition is None or s.competition.slug == competition]
    matches: list[Listed] = list(
        Match.objects.of_club()
        .filter(season__in=chosen)
        .values_list("kickoff", "status", "row_html")
        .order_by("kickoff", "pk")
    )
    fixtures = [m for m in matches if is_fixture(m[0], m[1], now)]
    results = [m for m in reversed(matches) if not is_fixture(m[0], m[1], now)]
    return MatchList(
        seasons=choices,
        competitions=sorted(
            {s.competition for s in of_season}, key=lambda c: (not c.is_league, c.name)
        ),
        season=next(c for c in choices if c.slug == slug),
        competition=known.get(competition or ""),
        fixtures=by_month(fixtures),
        results=by_month(results),
        tables=[s for s in chosen if s.competition.is_league],
    )


# ---------- The home page ----------


@dataclass(frozen=True)
class TableExcerpt:
    """The club's part of the latest league table it is in, as the home page shows it."""

    competition: str
    season: str
    url: str
    rows_html: str  # Season.excerpt_html


@dataclass(frozen=True)
class HomeMatches:
    next_card: str  # the stored cards (Match.card_html), "" when there is none
    last_card: str
    table: TableExcerpt | None

    @property
    def any(self) -> bool:
        return bool(self.next_card or self.last_card or self.table)


def table_excerpt(rows: Sequence[TableRow], reach: int = TABLE_EXCERPT_REACH) -> list[TableRow]:
    """The club's row with `reach` rows above and below, moved inwards at the top and the
    bottom of the table so that it always has 2 × reach + 1 rows when the table does."""
    index = next((i for i, row in enumerate(rows) if row.team.is_club), None)
    if index is None:
        return []
    size = 2 * reach + 1
    start = max(0, min(index - reach, len(rows) - size))
    return list(rows[start : start + size])


def home_matches(now: dt.datetime | None = None) -> HomeMatches:
    """Three queries, each reading stored HTML: the next match's card, the last result's,
    and the club's part of the latest league table it is in."""
    now = now or timezone.now()
    club_matches = Match.objects.of_club()
    next_card = club_matches.fixtures(now).values_list("card_html", flat=True).first()
    last_card = club_matches.results().values_list("card_html", flat=True).first()
    latest = (
        Season.objects.filter(competition__kind=Competition.Kind.LEAGUE, table__team__is_club=True)
        .order_by("-starts_on")
        .values_list("name", "slug", "competition__name", "competition__slug", "excerpt_html")
        .first()
    )
    table = None
    if latest is not None and latest[4]:
        name, slug, competition, competition_slug, rows_html = latest
        url = reverse("matches:table", args=[competition_slug, slug])
        table = TableExcerpt(competition, name, url, rows_html)
    return HomeMatches(next_card or "", last_card or "", table)


# ---------- /matches/<slug>/ ----------


@dataclass(frozen=True)
class Goal:
    clock: str  # 118' or 90+2'
    note: str  # "", "pen" or "og"


@dataclass
class Scorer:
    """A player's goals for one side of the scoreboard, in the order he scored them."""

    name: str
    url: str
    goals: list[Goal] = field(default_factory=list)


@dataclass(frozen=True)
class Moment:
    """A line of the match's timeline: a goal, a card, a missed penalty or a substitution."""

    side: str  # "home" or "away": whose moment it is (an own goal is the other side's)
    kind: str  # a MatchEvent.Kind value, or "sub" for a substitution
    label: str  # what a screen reader says for the icon: "Goal", "Yellow card"
    at: tuple[int, int]  # (minute, added minute), for the order
    clock: str  # 118' or 90+2'
    who: str
    url: str
    note: str = ""  # "(pen)", "(og)"; "off" for a substitution with no one coming on
    replaced: str = ""  # a substitution: who went off for him
    replaced_url: str = ""


@dataclass
class SheetEntry:
    """A player on a team sheet, with what he did in the match."""

    who: str
    url: str
    shirt_number: int | None
    goals: int = 0
    own_goals: int = 0
    yellow: bool = False
    red: bool = False
    off: str = ""  # the clock when he was substituted off
    on: str = ""  # the clock when he came on


@dataclass(frozen=True)
class TeamSheet:
    team: Team
    starting: list[SheetEntry]
    bench: list[SheetEntry]


@dataclass(frozen=True)
class MatchPage:
    match: Match
    scorers: dict[str, list[Scorer]]  # "home" and "away"
    timeline: list[Moment]
    sheets: list[TeamSheet]  # empty when no line-ups are entered
    reports: list[str]  # stored article cards (Article.card_html), newest first
    previews: list[str]

    @property
    def has_red_cards(self) -> bool:
        return any(m.kind == MatchEvent.Kind.RED for m in self.timeline)


def url_of(player: Player | None) -> str:
    """A player of ours links to his page; an opponent (a name) to nothing."""
    return player.get_absolute_url() if player is not None else ""


def scoreboard_side(match: Match, event: MatchEvent) -> str:
    """The side a goal counts for: an own goal counts for the other team."""
    for_home = event.team_id == match.home_id
    if event.kind == MatchEvent.Kind.OWN_GOAL:
        for_home = not for_home
    return "home" if for_home else "away"


GOAL_NOTES: dict[str, str] = {MatchEvent.Kind.PENALTY_GOAL: "pen", MatchEvent.Kind.OWN_GOAL: "og"}


def scorers_of(match: Match, events: Sequence[MatchEvent]) -> dict[str, list[Scorer]]:
    sides: dict[str, dict[str, Scorer]] = {"home": {}, "away": {}}
    for event in events:
        if event.kind not in MatchEvent.SCORING:
            continue
        scorers = sides[scoreboard_side(match, event)]
        key = f"{event.player_id or ''}:{event.who}"
        scorer = scorers.setdefault(key, Scorer(event.who, url_of(event.player)))
        scorer.goals.append(Goal(event.clock, GOAL_NOTES.get(event.kind, "")))
    return {side: list(scorers.values()) for side, scorers in sides.items()}


def moment(
    match: Match, event: MatchEvent, kind: str, label: str, side: str | None = None, **more: str
) -> Moment:
    return Moment(
        side=side or ("home" if event.team_id == match.home_id else "away"),
        kind=kind,
        label=label,
        at=(event.minute, event.added_minute or 0),
        clock=event.clock,
        who=event.who,
        url=url_of(event.player),
        **more,
    )


def timeline_of(match: Match, events: Sequence[MatchEvent]) -> list[Moment]:
    """Goals, cards, missed penalties and substitutions in the order they happened; a
    substitution pairs the player who came on with one who went off at that minute."""
    Kind = MatchEvent.Kind
    offs: dict[tuple[int, int, int | None], list[MatchEvent]] = {}
    for event in events:
        if event.kind == Kind.SUB_OFF:
            offs.setdefault((event.team_id, event.minute, event.added_minute), []).append(event)
    moments: list[Moment] = []
    for event in events:
        if event.kind == Kind.SUB_OFF:
            continue
        if event.kind == Kind.SUB_ON:
            paired = offs.get((event.team_id, event.minute, event.added_minute)) or []
            off = paired.pop(0) if paired else None
            replaced = {"replaced": off.who, "replaced_url": url_of(off.player)} if off else {}
            moments.append(moment(match, event, "sub", "Substitution", **replaced))
            continue
        kind = Kind(event.kind)
        side = scoreboard_side(match, event) if kind in MatchEvent.SCORING else None
        note = f"({GOAL_NOTES[kind]})" if kind in GOAL_NOTES else ""
        moments.append(moment(match, event, kind.value, kind.label, side, note=note))
    # A player taken off with no one coming on (his team down to ten).
    for off in (off for remaining in offs.values() for off in remaining):
        moments.append(moment(match, off, "sub", "Substitution", note="off"))
    return sorted(moments, key=lambda m: m.at)


def sheets_of(
    match: Match, lineups: Sequence[LineupEntry], events: Sequence[MatchEvent]
) -> list[TeamSheet]:
    """Each side's starting players and bench, with their goals, cards and substitutions."""
    if not lineups:
        return []
    players: dict[tuple[int, str], SheetEntry] = {}
    sheets = []
    for team in (match.home, match.away):
        starting: list[SheetEntry] = []
        bench: list[SheetEntry] = []
        for entry in lineups:
            if entry.team_id != team.pk:
                continue
            person = SheetEntry(entry.who, url_of(entry.player), entry.shirt_number)
            players[(team.pk, str(entry.player_id or entry.who))] = person
            (starting if entry.starting else bench).append(person)
        sheets.append(TeamSheet(team, starting, bench))
    for event in events:
        listed = players.get((event.team_id, str(event.player_id or event.who)))
        if listed is None:
            continue
        if event.kind in MatchEvent.GOALS:
            listed.goals += 1
        elif event.kind == MatchEvent.Kind.OWN_GOAL:
            listed.own_goals += 1
        elif event.kind == MatchEvent.Kind.YELLOW:
            listed.yellow = True
        elif event.kind == MatchEvent.Kind.RED:
            listed.red = True
        elif event.kind == MatchEvent.Kind.SUB_OFF:
            listed.off = event.clock
        elif event.kind == MatchEvent.Kind.SUB_ON:
            listed.on = event.clock
    return sheets


def match_page(slug: str) -> MatchPage | None:
    """Four queries: the match, its events, its line-ups, and its public reports and
    previews (read through the articles' reverse relation, so this app imports nothing of
    the articles app: `match.articles` is the articles' own queryset, with `published()`)."""
    match = Match.objects.for_listing().filter(slug=slug).first()
    if match is None:
        return None
    events = list(match.events.select_related("player"))
    lineups = list(match.lineups.select_related("player"))
    reports: list[str] = []
    previews: list[str] = []
    articles = match.articles.published()
    for role, card in articles.values_list("match_links__role", "card_html").order_by(
        "-published_at", "-pk"
    ):
        (previews if role == "preview" else reports).append(card)
    return MatchPage(
        match=match,
        scorers=scorers_of(match, events),
        timeline=timeline_of(match, events),
        sheets=sheets_of(match, lineups, events),
        reports=reports,
        previews=previews,
    )


# ---------- /tables/<competition>/<season>/ ----------


@dataclass(frozen=True)
class Note:
    team: Team
    points: int
    reason: str


@dataclass(frozen=True)
class TablePage:
    season: Season
    rows_html: str  # Season.table_html
    notes: list[Note]  # deductions, as notes under the table
    other_seasons: list[Season]  # of the same competition, newest first
    other_competitions: list[Season]  # each other league's latest season


def league_seasons() -> list[Season]:
    return list(Season.objects.leagues().select_related("competition").order_by("-starts_on", "pk"))


def table_page(competition: str, season: str) -> TablePage | None:
    """Two queries: the league seasons (for this one and the links to the others, with the
    stored table), and the deductions' reasons."""
    seasons = league_seasons()
    found = next(
        (s for s in seasons if s.slug == season and s.competition.slug == competition), None
    )
    if found is None:
        return None
    notes = [Note(d.team, d.points, d.reason) for d in found.deductions.select_related("team")]
    latest: dict[int, Season] = {}
    for s in seasons:
        latest.setdefault(s.competition_id, s)
    return TablePage(
        season=found,
        rows_html=found.table_html,
        notes=notes,
        other_seasons=[s for s in seasons if s.competition_id == found.competition_id],
        other_competitions=[s for c, s in latest.items() if c != found.competition_id],
    )


def latest_club_table() -> Season | None:
    """The league season whose table the header's "Table" link opens: the latest one the
    club plays in (or any league's latest, before the club has a match)."""
    club = Q(matches__home__is_club=True) | Q(matches__away__is_club=True)
    leagues = Season.objects.leagues().select_related("competition").order_by("-starts_on")
    return leagues.filter(pk__in=leagues.filter(club).values("pk")).first() or leagues.first()
