"""Writes to matches: the one path by which a team, a match and its events are saved, and
the stored league table recomputed (admin, import, API, demo).

A table is recomputed inside the transaction that changes a result (or a deduction), so a
page never computes one and never shows a result beside a table that lacks it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django.db import router, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from images.processing import sync_renditions
from matches.models import (
    CREST_WIDTHS,
    Competition,
    Deduction,
    Match,
    MatchEvent,
    Season,
    TableRow,
    Team,
)
from matches.pages import table_excerpt
from matches.standings import Result, standings
from pagecache.versioning import bump
from revisions.models import Actor, Revision, record, record_all

# Sent, inside the transaction, with `matches` (the new Match rows) and `using`, when
# matches_create writes matches in bulk: bulk inserts send no post_save, and the apps that
# follow new matches (articles find their reports) listen to this instead.
matches_created = Signal()

TEAM_FIELDS = ("name", "short_name", "slug", "aliases", "ground", "is_club")
MATCH_FIELDS = (
    "round",
    "venue",
    "status",
    "home_score",
    "away_score",
    "home_score_ht",
    "away_score_ht",
    "extra_time",
    "home_penalties",
    "away_penalties",
    "slug",
)
# What changes a table when it changes (the kickoff orders the form).
RESULT_FIELDS = ("season_id", "kickoff", "status", "home_id", "away_id", "home_score", "away_score")
EVENT_FIELDS = ("team_id", "player_id", "player_name", "minute", "added_minute", "kind")
# What of a team its matches' stored rows and cards and the stored tables print.
RENDERED_TEAM_FIELDS = ("short_name", "ground", "is_club", "crest", "crest_renditions")


# ---------- Stored HTML: rendered on save, printed by the pages ----------


def render_match(match: Match) -> None:
    """Fill a club match's stored row (the fixtures and results lists, search) and, when it
    has a place on the home page, its card there; no queries once its season's competition
    and its teams are loaded. Other matches print no stored HTML (the lists are the club's):
    rendering all 380 of a season tripled its import. Sets the fields; the caller saves."""
    club_match = match.home.is_club or match.away.is_club
    if not club_match:
        match.row_html = match.card_html = ""
        return
    match.row_html = render_to_string("matches/stored/row.html", {"match": match})
    match.card_html = (
        render_to_string(
            "matches/stored/card.html",
            {"match": match, "unplayed": Match.UNPLAYED, "decided": Match.DECIDED},
        ).strip()
        if match.status in (*Match.UNPLAYED, *Match.DECIDED)
        else ""
    )


def rerender_matches(matches: Iterable[Match], *, using: str) -> None:
    """Re-render the stored HTML of saved matches (their teams or competition changed),
    writing only the ones that changed."""
    changed = []
    for match in matches:
        row, card = match.row_html, match.card_html
        render_match(match)
        if (row, card) != (match.row_html, match.card_html):
            changed.append(match)
    Match.objects.using(using).bulk_update(changed, ["row_html", "card_html"], batch_size=200)


def table_html(rows: list[TableRow]) -> tuple[str, str]:
    """The table page's rows and the home page's part of them around the club, from rows
    with their teams loaded."""
    if not rows:
        return "", ""
    full = render_to_string("matches/stored/table.html", {"rows": rows, "compact": False})
    excerpt = table_excerpt(rows)
    compact = (
        render_to_string("matches/stored/table.html", {"rows": excerpt, "compact": True})
        if excerpt
        else ""
    )
    return full, compact


def render_table(season: Season, *, using: str) -> None:
    """Re-render the season's stored table from its stored rows (a team in it changed)."""
    rows = list(TableRow.objects.using(using).of(season))
    full, excerpt = table_html(rows)
    Season.objects.using(using).filter(pk=season.pk).update(table_html=full, excerpt_html=excerpt)


def team_rendered(team: Team, *, using: str) -> None:
    """The stored rows, cards and tables that print the team, rendered again."""
    rerender_matches(
        Match.objects.using(using).for_listing().filter(Q(home=team) | Q(away=team)).order_by("pk"),
        using=using,
    )
    for season in Season.objects.using(using).filter(table__team=team).distinct():
        render_table(season, using=using)


def competition_save(*, competition: Competition) -> Competition:
    """Save the competition; a new name renders again the stored rows and cards that print
    it, in the same transaction."""
    using = router.db_for_write(Competition, instance=competition)
    with transaction.atomic(using=using):
        renamed = (
            Competition.objects.using(using)
            .filter(pk=competition.pk)
            .exclude(name=competition.name)
            .exists()
        )
        competition.save()
        if renamed:
            rerender_matches(
                Match.objects.using(using).for_listing().filter(season__competition=competition),
                using=using,
            )
    return competition


def clean_lines(text: str) -> str:
    """One alias a line, as the form's textarea shows them (browsers send CRLF)."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def team_snapshot(team: Team) -> dict[str, Any]:
    return {
        **{field: getattr(team, field) for field in TEAM_FIELDS},
        "crest": team.crest.name or "",
    }


def team_save(*, team: Team, actor: Actor | None = None) -> Team:
    """Save the team (a slug from its short name when it has none, the crest's renditions)
    and a revision of it saying who or what made the save."""
    team.short_name = team.short_name.strip() or team.name.strip()
    if not team.slug:
        team.slug = slugify(team.short_name)
    team.aliases = clean_lines(team.aliases)
    using = router.db_for_write(Team, instance=team)
    with transaction.atomic(using=using):
        stored = None
        if team.pk is not None:
            stored = (
                Team.objects.using(using)
                .filter(pk=team.pk)
                .values_list(*RENDERED_TEAM_FIELDS)
                .first()
            )
        team.save()
        sync_renditions(team, "crest", "crest_renditions", CREST_WIDTHS)
        now = (*(getattr(team, f) for f in RENDERED_TEAM_FIELDS[:3]), team.crest.name or "")
        if stored is not None and (stored[:4] != now or stored[4] != team.crest_renditions):
            team_rendered(team, using=using)
        if actor is not None:
            record(team, data=team_snapshot(team), actor=actor)
    return team


def team_restore(*, team: Team, revision: Revision, actor: Actor) -> Team:
    data = {**team_snapshot(team), **revision.data}
    for field in TEAM_FIELDS:
        setattr(team, field, data[field])
    if data["crest"] != team.crest.name and (
        not data["crest"] or team.crest.storage.exists(data["crest"])
    ):
        team.crest.name = data["crest"]
    return team_save(team=team, actor=actor)


def match_slug(home: Team, away: Team, kickoff: dt.datetime) -> str:
    """ "chelsea-v-liverpool-2024-02-25": the teams and the day, in UK time."""
    return f"{home.slug}-v-{away.slug}-{timezone.localtime(kickoff):%Y-%m-%d}"


def match_snapshot(match: Match, events: Iterable[MatchEvent] | None = None) -> dict[str, Any]:
    """The match's whole content, as a revision keeps it, with its events."""
    if events is None:
        events = match.events.all() if match.pk else []
    return {
        **{field: getattr(match, field) for field in MATCH_FIELDS},
        "season": match.season_id,
        "home": match.home_id,
        "away": match.away_id,
        "kickoff": match.kickoff.astimezone(dt.UTC).isoformat(),
        "events": [{field: getattr(e, field) for field in EVENT_FIELDS} for e in events],
    }


def match_save(
    *,
    match: Match,
    actor: Actor | None,
    events: Iterable[MatchEvent] | None = None,
    recompute: bool = True,
) -> Match:
    """Save the match in one transaction: a slug from the teams and the day when it has
    none, its calendar sequence raised when the kickoff or the status changed, its events
    replaced by `events` when given, the season's table recomputed when the result changed
    (unless `recompute` is false: the caller recomputes once after many saves), and a
    revision of the whole match saying who or what (`actor`) made the save."""
    if not match.slug:
        match.slug = match_slug(match.home, match.away, match.kickoff)
    using = router.db_for_write(Match, instance=match)
    with transaction.atomic(using=using):
        stored = None
        if match.pk is not None:
            stored = (
                Match.objects.using(using)
                .select_for_update()
                .filter(pk=match.pk)
                .values("sequence", *RESULT_FIELDS)
                .first()
            )
        if stored is not None:
            moved = stored["kickoff"] != match.kickoff or stored["status"] != match.status
            match.sequence = stored["sequence"] + moved
        render_match(match)
        match.save()
        event_list = None if events is None else list(events)
        if event_list is not None:
            match.events.all().delete()
            for event in event_list:
                event.match = match
            MatchEvent.objects.using(using).bulk_create(event_list)
        if recompute and (
            stored is None or any(stored[field] != getattr(match, field) for field in RESULT_FIELDS)
        ):
            recompute_table(match.season)
            if stored is not None and stored["season_id"] != match.season_id:
                recompute_table(Season.objects.using(using).get(pk=stored["season_id"]))
        if actor is not None:
            record(match, data=match_snapshot(match, event_list), actor=actor)
    return match


def matches_create(*, matches: list[tuple[Match, list[MatchEvent]]], actor: Actor) -> None:
    """Create new matches with their events in one transaction, as `match_save` would one
    by one (a slug from the teams and the day, a revision each saying `actor`), with the
    table of each season recomputed once rather than once a match (380 saves one by one took
    8.5 s), the page cache told once and `matches_created` sent (bulk inserts send no
    post_save)."""
    if not matches:
        return
    using = router.db_for_write(Match)
    with transaction.atomic(using=using):
        slugs = [match_slug(match.home, match.away, match.kickoff) for match, _ in matches]
        taken = set(Match.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        for (match, _), slug in zip(matches, slugs, strict=True):
            match.slug, number = slug, 2
            while match.slug in taken:
                match.slug, number = f"{slug}-{number}", number + 1
            taken.add(match.slug)
            render_match(match)
        created = Match.objects.bulk_create([match for match, _ in matches])
        events = []
        for match, match_events in matches:
            for event in match_events:
                event.match = match
                events.append(event)
        MatchEvent.objects.bulk_create(events)
        record_all(
            [(match, match_snapshot(match, match_events)) for match, match_events in matches],
            actor=actor,
        )
        for season in {match.season_id: match.season for match, _ in matches}.values():
            recompute_table(season)
        # One move of the page cache's version for them all, with the first moment one of
        # them changes the pages by itself (a kickoff).
        moments = [moment for match in created if (moment := match.changes_at())]
        bump(using, at=min(moments, default=None))
        matches_created.send(sender=Match, matches=created, using=using)


def match_delete(*, match: Match) -> None:
    """Delete the match and recompute its season's table, in one transaction."""
    with transaction.atomic(using=router.db_for_write(Match, instance=match)):
        season = match.season
        match.delete()
        recompute_table(season)


def match_restore(*, match: Match, revision: Revision, actor: Actor) -> Match:
    """Put the match back as `revision` has it (result, kickoff, events), as a new revision."""
    data = {**match_snapshot(match), **revision.data}
    for field in MATCH_FIELDS:
        setattr(match, field, data[field])
    match.season_id, match.home_id, match.away_id = data["season"], data["home"], data["away"]
    match.kickoff = dt.datetime.fromisoformat(data["kickoff"])
    events = [MatchEvent(**event) for event in data["events"]]
    return match_save(match=match, actor=actor, events=events)


def recompute_table(season: Season) -> list[TableRow]:
    """Store the season's table from its decided matches and deductions (three queries and
    the rewrite), moving the page cache's version with it. A cup season has no table."""
    using = router.db_for_write(TableRow)
    if not season.competition.is_league:
        TableRow.objects.using(using).filter(season=season).delete()  # it was a league once
        Season.objects.using(using).filter(pk=season.pk).update(table_html="", excerpt_html="")
        return []
    rows = (
        Match.objects.filter(season=season)
        .values_list("home_id", "away_id", "status", "home_score", "away_score", "kickoff")
        .order_by("kickoff", "pk")
    )
    teams: set[int] = set()
    results = []
    for home, away, status, home_score, away_score, kickoff in rows:
        teams.update((home, away))
        if status in Match.DECIDED and home_score is not None and away_score is not None:
            results.append(Result(home, away, home_score, away_score, kickoff))
    deductions: dict[int, int] = {}
    for team, points in Deduction.objects.filter(season=season).values_list("team_id", "points"):
        deductions[team] = deductions.get(team, 0) + points
    teams.update(deductions)
    loaded = Team.objects.using(using).in_bulk(teams)
    names = {pk: team.short_name for pk, team in loaded.items()}
    table = standings(
        teams,
        results,
        deductions=deductions,
        tie_breakers=season.tie_breakers.split(","),  # type: ignore[arg-type]
        names=names,
    )
    stored = [
        TableRow(
            season=season,
            team_id=cast(int, row.team),
            position=row.position,
            played=row.played,
            won=row.won,
            drawn=row.drawn,
            lost=row.lost,
            goals_for=row.goals_for,
            goals_against=row.goals_against,
            goal_difference=row.goal_difference,
            deducted=row.deducted,
            points=row.points,
            form=row.form,
        )
        for row in table
    ]
    for row in stored:
        row.team = loaded[row.team_id]
    full, excerpt = table_html(stored)
    with transaction.atomic(using=using):
        TableRow.objects.using(using).filter(season=season).delete()
        TableRow.objects.using(using).bulk_create(stored)
        Season.objects.using(using).filter(pk=season.pk).update(
            table_updated_at=timezone.now(), table_html=full, excerpt_html=excerpt
        )
        bump(using)
    return stored


def deduction_save(*, deduction: Deduction) -> Deduction:
    """Save a points deduction and recompute its season's table."""
    with transaction.atomic(using=router.db_for_write(Deduction, instance=deduction)):
        deduction.save()
        recompute_table(deduction.season)
    return deduction
