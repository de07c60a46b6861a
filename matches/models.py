"""Competitions, their seasons, the teams that play them, matches, what happens in a match
(goals, cards, substitutions, line-ups), points deductions, and the league tables computed
from the results (stored by `matches.services`, never computed per request)."""

from __future__ import annotations

import datetime as dt
from typing import Literal, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from images.fields import SafeImageField
from players.models import Mentionable, Player
from trophies.models import Trophy

CREST_WIDTHS = (64, 128)


class Competition(models.Model):
    class Kind(models.TextChoices):
        LEAGUE = "league", "League"
        CUP = "cup", "Cup"

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.LEAGUE)
    trophy = models.ForeignKey(
        Trophy,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="competitions",
        help_text="The prize it is played for.",
    )
    aliases = models.TextField(
        blank=True, help_text='Other names sources use, one per line ("EPL", "Carabao Cup").'
    )

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_league(self) -> bool:
        return self.kind == self.Kind.LEAGUE


class TieBreakers(models.TextChoices):
    """After points, in this order (matches.standings names each criterion)."""

    PREMIER_LEAGUE = (
        "goal_difference,goals_for,head_to_head",
        "Goal difference, goals scored, head-to-head (Premier League)",
    )
    HEAD_TO_HEAD_FIRST = (
        "head_to_head,goal_difference,goals_for",
        "Head-to-head, goal difference, goals scored (La Liga, Serie A)",
    )


class SeasonQuerySet(models.QuerySet["Season"]):
    def leagues(self) -> SeasonQuerySet:
        return self.filter(competition__kind=Competition.Kind.LEAGUE)


class Season(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="seasons")
    name = models.CharField(max_length=20, help_text='Written like "2023–24" (with an en dash).')
    slug = models.SlugField(max_length=20, help_text='"2023-24": used in addresses.')
    starts_on = models.DateField(help_text="The first day a match of the season may be played.")
    ends_on = models.DateField(help_text="The last day a match of the season may be played.")
    tie_breakers = models.CharField(
        max_length=60, choices=TieBreakers, default=TieBreakers.PREMIER_LEAGUE
    )
    # Stored by matches.services.recompute_table when a result changes.
    table_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The stored table's rows as the table page prints them, and the club's part of them
    # as the home page prints it (rendered by matches.services with the table).
    table_html = models.TextField(default="", editable=False)
    excerpt_html = models.TextField(default="", editable=False)

    objects = SeasonQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "competition__name"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "slug"], name="unique_season_slug")
        ]

    def __str__(self) -> str:
        return f"{self.competition.name} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("matches:table", args=[self.competition.slug, self.slug])

    def clean(self) -> None:
        if None not in (self.starts_on, self.ends_on) and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The season cannot end before it starts."})

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class TeamQuerySet(models.QuerySet["Team"]):
    def club(self) -> Team | None:
        """The club this portal is about."""
        return self.filter(is_club=True).first()


class Team(Mentionable):
    name = models.CharField(max_length=100, help_text='The full name: "Chelsea FC".')
    short_name = models.CharField(max_length=40, help_text='As tables print it: "Chelsea".')
    slug = models.SlugField(max_length=100, unique=True)
    aliases = models.TextField(
        blank=True,
        help_text=(
            "Other names stories and data sources use, one per line "
            '("The Blues", "Man City", "Nott\'m Forest"). Matching ignores case and accents.'
        ),
    )
    ground = models.CharField(max_length=100, blank=True, help_text="Home ground.")
    crest = SafeImageField(upload_to="crests/", blank=True)
    crest_renditions = models.JSONField(default=dict, blank=True, editable=False)
    is_club = models.BooleanField(
        "this club", default=False, help_text="The club this portal is about (one team)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_club"], condition=Q(is_club=True), name="one_club_team"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def initials(self) -> str:
        words = [word for word in self.short_name.replace("-", " ").split() if word[:1].isalpha()]
        if len(words) == 1:
            return words[0][:3].upper()
        return "".join(word[0] for word in words[:3]).upper()


class MatchQuerySet(models.QuerySet["Match"]):
    def for_listing(self) -> MatchQuerySet:
        return self.select_related("home", "away", "season__competition")

    def of_club(self) -> MatchQuerySet:
        return self.filter(Q(home__is_club=True) | Q(away__is_club=True))

    def fixtures(self, now: dt.datetime | None = None) -> MatchQuerySet:
        """Matches still to be played (or played today and not yet finished), next first;
        postponed ones stay listed, marked so."""
        return self.filter(
            status__in=Match.UNPLAYED, kickoff__gt=(now or timezone.now()) - Match.LENGTH
        ).order_by("kickoff", "pk")

    def results(self) -> MatchQuerySet:
        """Matches with a result, latest first."""
        return self.filter(status__in=Match.DECIDED).order_by("-kickoff", "-pk")

    def next_kickoff(self, now: dt.datetime) -> dt.datetime | None:
        """The next moment a club match changes public pages by itself, with no edit: its
        kickoff (a cancelled one joins the results) or the end of its time on the fixtures
        list, the home page's "next match" included (kickoff + LENGTH). The page cache ends
        there."""
        upcoming = (
            self.of_club()
            .exclude(status__in=Match.DECIDED)
            .filter(kickoff__gt=now - Match.LENGTH)
            .order_by("kickoff")
            .values_list("kickoff", flat=True)
            .first()
        )
        if upcoming is None:
            return None
        return upcoming if upcoming > now else upcoming + Match.LENGTH


class Match(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        LIVE = "live", "Live"
        FINISHED = "finished", "Full time"
        POSTPONED = "postponed", "Postponed"
        CANCELLED = "cancelled", "Cancelled"
        ABANDONED = "abandoned", "Abandoned"
        AWARDED = "awarded", "Awarded"

    # What counts in a table, and what a fixtures list shows.
    DECIDED = (Status.FINISHED, Status.AWARDED)
    UNPLAYED = (Status.SCHEDULED, Status.LIVE, Status.POSTPONED)
    # From kickoff to the final whistle, at most (with extra time and penalties).
    LENGTH = dt.timedelta(hours=3)

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="matches")
    round = models.CharField(max_length=60, blank=True, help_text='"Matchday 1", "Final".')
    kickoff = models.DateTimeField(help_text="In UK time.")
    home = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="home_matches")
    away = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="away_matches")
    venue = models.CharField(max_length=100, blank=True, help_text="Blank: the home ground.")
    status = models.CharField(max_length=10, choices=Status, default=Status.SCHEDULED)
    home_score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="After extra time when played."
    )
    away_score = models.PositiveSmallIntegerField(null=True, blank=True)
    home_score_ht = models.PositiveSmallIntegerField(
        "home score at half time", null=True, blank=True
    )
    away_score_ht = models.PositiveSmallIntegerField(
        "away score at half time", null=True, blank=True
    )
    extra_time = models.BooleanField(default=False, help_text="Went to extra time.")
    home_penalties = models.PositiveSmallIntegerField(null=True, blank=True)
    away_penalties = models.PositiveSmallIntegerField(null=True, blank=True)
    slug = models.SlugField(max_length=150, unique=True, help_text="Used in the match's address.")
    # Where the match came from: the file an import read it from ("" when entered by hand).
    source_name = models.CharField(max_length=255, blank=True, editable=False)
    # Goes up when the kickoff moves or the status changes: the calendar's SEQUENCE.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Stored by matches.services on every save, so that listings print them: the row in
    # fixture and result lists, and (a club match) the home page's next-match or
    # last-result card ("" for a match that is neither).
    row_html = models.TextField(default="", editable=False)
    card_html = models.TextField(default="", editable=False)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["kickoff", "pk"]
        verbose_name_plural = "matches"
        indexes = [models.Index(fields=["season", "kickoff"]), models.Index(fields=["kickoff"])]
        constraints = [
            models.CheckConstraint(condition=~Q(home=models.F("away")), name="match_two_teams"),
        ]

    def __str__(self) -> str:
        return f"{self.scoreline()}, {self.local_kickoff:%-d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("matches:detail", args=[self.slug])

    def clean(self) -> None:
        errors = {}
        if self.home_id and self.home_id == self.away_id:
            errors["away"] = "A team cannot play itself."
        if (self.home_score is None) != (self.away_score is None):
            errors["away_score"] = "Give both scores, or neither."
        if (self.home_penalties is None) != (self.away_penalties is None):
            errors["away_penalties"] = "Give both penalty scores, or neither."
        if self.status in self.DECIDED and self.home_score is None:
            errors["home_score"] = "A finished match needs its score."
        kickoff = cast("dt.datetime | None", self.kickoff)  # None in a form left blank
        if (
            self.season_id
            and kickoff is not None
            and not self.season.covers(self.local_kickoff.date())
        ):
            errors["kickoff"] = (
                f"{self.local_kickoff:%-d %B %Y} is outside the {self.season.name} season "
                f"({self.season.starts_on:%-d %B %Y} to {self.season.ends_on:%-d %B %Y})."
            )
        if errors:
            raise ValidationError(errors)

    def changes_at(self) -> dt.datetime | None:
        """When this match next changes public pages by itself (its kickoff, then the end of
        its time among the fixtures), or None once it has a result: for the page cache."""
        if self.is_decided:
            return None
        now = timezone.now()
        return next((m for m in (self.kickoff, self.kickoff + self.LENGTH) if m > now), None)

    @property
    def local_kickoff(self) -> dt.datetime:
        return timezone.localtime(self.kickoff)

    def scoreline(self, extras: Literal["", "short", "long"] = "") -> str:
        """ "Chelsea v Liverpool" before a score, "Chelsea 0–1 Liverpool" with one; with
        `extras`, how it was decided follows: "short", "(aet)" or "(aet, 4–3 pens)"; "long",
        "(after extra time)" or "(Liverpool win 4–3 on penalties)". Reads both teams."""
        home, away = self.home.short_name, self.away.short_name
        if not self.has_score:
            return f"{home} v {away}"
        line = f"{home} {self.home_score}–{self.away_score} {away}"
        notes = []
        if self.home_penalties is not None and self.away_penalties is not None:
            if extras == "long":
                winner = home if self.home_penalties > self.away_penalties else away
                won, lost = sorted((self.home_penalties, self.away_penalties), reverse=True)
                return f"{line} ({winner} win {won}–{lost} on penalties)"
            notes.append(f"{self.home_penalties}–{self.away_penalties} pens")
        if self.extra_time:
            notes.insert(0, "after extra time" if extras == "long" else "aet")
        return f"{line} ({', '.join(notes)})" if extras and notes else line

    @property
    def has_score(self) -> bool:
        return self.home_score is not None and self.away_score is not None

    @property
    def is_decided(self) -> bool:
        return self.status in self.DECIDED

    @property
    def is_off(self) -> bool:
        """Postponed, cancelled or abandoned: every listing says so."""
        return self.status in (self.Status.POSTPONED, self.Status.CANCELLED, self.Status.ABANDONED)

    @property
    def ground(self) -> str:
        return self.venue or self.home.ground

    def opponent_of(self, team: Team | int) -> Team:
        team_id = team if isinstance(team, int) else team.pk
        return self.away if self.home_id == team_id else self.home

    def outcome_for(self, team: Team | int) -> str | None:
        """ "W", "D" or "L" for the team, None before a result."""
        if not self.is_decided or not self.has_score:
            return None
        team_id = team if isinstance(team, int) else team.pk
        ours, theirs = (
            (self.home_score, self.away_score)
            if self.home_id == team_id
            else (self.away_score, self.home_score)
        )
        if ours == theirs and self.home_penalties is not None:
            ours, theirs = (
                (self.home_penalties, self.away_penalties)
                if self.home_id == team_id
                else (self.away_penalties, self.home_penalties)
            )
        assert ours is not None and theirs is not None
        return "W" if ours > theirs else "L" if ours < theirs else "D"


class PlayedBy:
    """A match row about one player: one of ours (`player`), or anyone else by name."""

    player: Player | None
    player_id: int | None
    player_name: str

    def clean(self) -> None:
        if self.player_id is None and not self.player_name.strip():
            raise ValidationError({"player_name": "Pick one of our players or give a name."})

    @property
    def who(self) -> str:
        return self.player.name if self.player_id and self.player else self.player_name


class MatchEvent(PlayedBy, models.Model):
    class Kind(models.TextChoices):
        GOAL = "goal", "Goal"
        OWN_GOAL = "own_goal", "Own goal"
        PENALTY_GOAL = "penalty_goal", "Penalty goal"
        PENALTY_MISSED = "penalty_missed", "Penalty missed"
        YELLOW = "yellow", "Yellow card"
        RED = "red", "Red card"
        SUB_ON = "sub_on", "Substitute on"
        SUB_OFF = "sub_off", "Substitute off"

    GOALS = (Kind.GOAL, Kind.PENALTY_GOAL)  # what counts as a player's goal
    SCORING = (Kind.GOAL, Kind.PENALTY_GOAL, Kind.OWN_GOAL)  # what counts on the scoreboard
    CARDS = (Kind.YELLOW, Kind.RED)

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The team the player plays for (for an own goal, the scorer's team).",
    )
    player = models.ForeignKey(
        Player,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="match_events",
        help_text="One of ours; for other players, give the name.",
    )
    player_name = models.CharField(
        max_length=100, blank=True, help_text="An opponent's player, by name."
    )
    minute = models.PositiveSmallIntegerField()
    added_minute = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Stoppage time: 2 for 90+2'."
    )
    kind = models.CharField(max_length=15, choices=Kind)

    class Meta:
        ordering = ["minute", "added_minute", "pk"]
        indexes = [models.Index(fields=["player", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.who} {self.clock}"

    @property
    def clock(self) -> str:
        """118' or 90+2'."""
        return f"{self.minute}+{self.added_minute}'" if self.added_minute else f"{self.minute}'"


class LineupEntry(PlayedBy, models.Model):
    """A player in a team's match-day squad: starting, or on the bench."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="lineups")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    player = models.ForeignKey(
        Player, null=True, blank=True, on_delete=models.SET_NULL, related_name="lineups"
    )
    player_name = models.CharField(max_length=100, blank=True)
    shirt_number = models.PositiveSmallIntegerField(null=True, blank=True)
    starting = models.BooleanField(default=True, help_text="Unticked: on the bench.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-starting", "order", "pk"]
        verbose_name = "line-up entry"
        verbose_name_plural = "line-ups"

    def __str__(self) -> str:
        return self.who


class Deduction(models.Model):
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="deductions")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="deductions")
    points = models.PositiveSmallIntegerField(help_text="Points taken away: 8 for −8.")
    reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["season", "team"]

    def __str__(self) -> str:
        return f"{self.team} −{self.points} ({self.season})"


class TableRowQuerySet(models.QuerySet["TableRow"]):
    def of(self, season: Season | int) -> TableRowQuerySet:
        return self.filter(season=season).select_related("team").order_by("position")


class TableRow(models.Model):
    """One team's line in a league table, as matches.services.recompute_table stored it."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="table")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    played = models.PositiveSmallIntegerField(default=0)
    won = models.PositiveSmallIntegerField(default=0)
    drawn = models.PositiveSmallIntegerField(default=0)
    lost = models.PositiveSmallIntegerField(default=0)
    goals_for = models.PositiveSmallIntegerField(default=0)
    goals_against = models.PositiveSmallIntegerField(default=0)
    goal_difference = models.SmallIntegerField(default=0)
    deducted = models.PositiveSmallIntegerField(default=0)
    points = models.SmallIntegerField(default=0)
    form = models.CharField(max_length=5, blank=True, help_text="Last five, oldest first.")

    objects = TableRowQuerySet.as_manager()

    class Meta:
        ordering = ["season", "position"]
        constraints = [
            models.UniqueConstraint(fields=["season", "team"], name="unique_table_team"),
            models.UniqueConstraint(fields=["season", "position"], name="unique_table_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.team} {self.points}"
