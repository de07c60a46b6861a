"""The newsroom's match desk: competitions and seasons (with their deductions), teams, and
matches, whose result, scorers, cards and line-ups are entered on one page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib import admin, messages
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils import timezone

from matches.models import Competition, Deduction, LineupEntry, Match, MatchEvent, Season, Team
from matches.services import (
    competition_save,
    match_delete,
    match_restore,
    match_save,
    recompute_table,
    team_restore,
    team_save,
)
from players.models import Player
from revisions import diff
from revisions.admin import RevisionHistory
from revisions.models import Actor, Revision, Via


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "trophy"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request: HttpRequest, obj: Competition, form: Any, change: bool) -> None:
        competition_save(competition=obj)


class DeductionInline(admin.TabularInline):
    model = Deduction
    extra = 0
    autocomplete_fields = ["team"]


@admin.register(Season)
class SeasonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "starts_on", "ends_on", "table_updated_at"]
    list_filter = ["competition"]
    search_fields = ["name", "competition__name"]
    inlines = [DeductionInline]
    readonly_fields = ["table_updated_at"]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # A deduction added, changed or removed moves the table.
        recompute_table(form.instance)


@admin.register(Team)
class TeamAdmin(RevisionHistory):
    list_display = ["name", "short_name", "ground", "is_club"]
    search_fields = ["name", "short_name", "aliases"]
    prepopulated_fields = {"slug": ["short_name"]}
    fields = ["name", "short_name", "slug", "aliases", "ground", "crest", "is_club"]
    revision_labels = {
        "name": "Name",
        "short_name": "Short name",
        "slug": "Slug",
        "aliases": "Aliases",
        "ground": "Ground",
        "crest": "Crest",
        "is_club": "This club",
    }
    revision_lines = ("aliases",)
    revision_slug_owner = "another team's"

    def save_model(self, request: HttpRequest, obj: Team, form: Any, change: bool) -> None:
        relinks = obj.names_changed()  # the save relinks in the background (articles.apps)
        team_save(team=obj, actor=Actor.of(request.user, Via.ADMIN))
        if relinks and change:
            self.message_user(
                request, f"Relinking articles that may be about {obj.name}.", messages.INFO
            )

    def restore_revision(self, obj: Team, revision: Revision, actor: Actor) -> None:
        team_restore(team=obj, revision=revision, actor=actor)


class MatchTeamsOnly:
    """Inline rows name one of the match's two teams (all teams for a match not saved yet)."""

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "team":
            match_id = (
                request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            )
            if match_id and str(match_id).isdigit():
                match = Match.objects.filter(pk=match_id).values("home_id", "away_id").first()
                if match:
                    kwargs["queryset"] = Team.objects.filter(
                        pk__in=[match["home_id"], match["away_id"]]
                    )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class MatchEventInline(MatchTeamsOnly, admin.TabularInline):
    model = MatchEvent
    extra = 3
    fields = ["minute", "added_minute", "kind", "team", "player", "player_name"]
    autocomplete_fields = ["player"]
    verbose_name = "goal, card or substitution"
    verbose_name_plural = "Goals, cards and substitutions"


class LineupInline(MatchTeamsOnly, admin.TabularInline):
    model = LineupEntry
    extra = 0
    fields = ["team", "starting", "shirt_number", "player", "player_name", "order"]
    autocomplete_fields = ["player"]
    classes = ["collapse"]


@admin.register(Match)
class MatchAdmin(RevisionHistory):
    list_display = ["__str__", "kickoff", "status", "round", "season"]
    list_filter = ["season", "season__competition", "status"]
    list_select_related = ["home", "away", "season__competition"]
    search_fields = [
        "home__name",
        "away__name",
        "home__short_name",
        "away__short_name",
        "home__aliases",
        "away__aliases",
        "round",
    ]
    date_hierarchy = "kickoff"
    autocomplete_fields = ["home", "away"]
    inlines = [MatchEventInline, LineupInline]
    fieldsets = [
        (None, {"fields": ["season", "round", "kickoff", ("home", "away"), "venue", "status"]}),
        (
            "Result",
            {
                "fields": [
                    ("home_score", "away_score"),
                    ("home_score_ht", "away_score_ht"),
                    "extra_time",
                    ("home_penalties", "away_penalties"),
                ]
            },
        ),
        ("Address", {"fields": ["slug"], "classes": ["collapse"]}),
    ]
    revision_labels = {
        "season": "Season",
        "round": "Round",
        "kickoff": "Kickoff",
        "home": "Home",
        "away": "Away",
        "venue": "Venue",
        "status": "Status",
        "home_score": "Home score",
        "away_score": "Away score",
        "home_score_ht": "Home score at half time",
        "away_score_ht": "Away score at half time",
        "extra_time": "Extra time",
        "home_penalties": "Home penalties",
        "away_penalties": "Away penalties",
        "slug": "Slug",
        "events": "Goals, cards and substitutions",
    }
    revision_lines = ("events",)
    revision_slug_owner = "another match's"

    def compare(
        self, before: Mapping[str, Any], after: Mapping[str, Any], names: Any = None
    ) -> list[diff.Change]:
        """Teams and the season by name, the kickoff in UK time, and each event as a line
        ("118' Goal: Virgil van Dijk (Liverpool)"), so that a change reads as the page does."""
        teams = dict(Team.objects.values_list("pk", "short_name"))
        seasons = {
            season.pk: str(season) for season in Season.objects.select_related("competition")
        }
        players = dict(Player.objects.values_list("pk", "name"))
        kinds = dict(MatchEvent.Kind.choices)

        def readable(snapshot: Mapping[str, Any]) -> dict[str, Any]:
            events = [
                f"{MatchEvent(minute=event['minute'], added_minute=event['added_minute']).clock} "
                f"{kinds.get(event['kind'], event['kind'])}: "
                f"{players.get(event['player_id']) or event['player_name']} "
                f"({teams.get(event['team_id'], '?')})"
                for event in snapshot.get("events", [])
            ]
            kickoff = snapshot.get("kickoff")
            return {
                **snapshot,
                "season": seasons.get(snapshot["season"], snapshot["season"]),
                "home": teams.get(snapshot["home"], snapshot["home"]),
                "away": teams.get(snapshot["away"], snapshot["away"]),
                "kickoff": (
                    f"{timezone.localtime(dt.datetime.fromisoformat(kickoff)):%-d %B %Y, %H:%M}"
                    if kickoff
                    else kickoff
                ),
                "events": "\n".join(events),
            }

        return super().compare(readable(before), readable(after), names={})

    def get_queryset(self, request: HttpRequest) -> QuerySet[Match]:
        # The list, the search and the articles' match picker print both teams and the season.
        return super().get_queryset(request).select_related("home", "away", "season__competition")

    def get_form(
        self, request: HttpRequest, obj: Match | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        # A new match gets its address from the teams and the day.
        form.base_fields["slug"].required = False
        return form

    def save_model(self, request: HttpRequest, obj: Match, form: Any, change: bool) -> None:
        # The row first (the events below need it), the table with it if the result changed;
        # the revision, with the events, once they are saved too (save_related).
        match_save(match=obj, actor=None)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        match_save(match=form.instance, actor=Actor.of(request.user, Via.ADMIN))

    def delete_model(self, request: HttpRequest, obj: Match) -> None:
        match_delete(match=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Match]) -> None:
        for match in queryset.select_related("season__competition"):
            match_delete(match=match)

    def restore_revision(self, obj: Match, revision: Revision, actor: Actor) -> None:
        match_restore(match=obj, revision=revision, actor=actor)
