from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, Self

from django.db import models
from django.db.models import Count, Max, Prefetch
from django.urls import reverse

from images.fields import SafeImageField
from players.models import MENTION_FIELDS, Player, names_in

TROPHY_WIDTHS = (320, 640)


class TrophyQuerySet(models.QuerySet["Trophy"]):
    def cabinet(self) -> TrophyQuerySet:
        """Every trophy with how often it was won and the latest season, most-won first."""
        return self.annotate(
            honour_count=Count("honours"), last_season=Max("honours__season")
        ).order_by("-honour_count", "name")

    def for_detail(self) -> TrophyQuerySet:
        return self.prefetch_related(
            Prefetch("honours", queryset=Honour.objects.select_related("captain"))
        )


class Trophy(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    aliases = models.TextField(
        blank=True,
        help_text='Other names stories use, one per line ("Carabao Cup", "EFL Cup").',
    )
    description = models.TextField(blank=True)
    image = SafeImageField(upload_to="trophies/", blank=True)
    image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrophyQuerySet.as_manager()

    # Annotated by TrophyQuerySet.cabinet(); only trophies loaded through it have them.
    honour_count: int
    last_season: str | None

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "trophies"

    def __str__(self) -> str:
        return self.name

    def save(self, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = update_fields = frozenset(update_fields)
        super().save(**kwargs)
        # A save of other fields leaves the stored names as they were.
        if update_fields is None or update_fields >= MENTION_FIELDS:
            self.remember_names(self.__dict__)

    def get_absolute_url(self) -> str:
        return reverse("trophies:detail", args=[self.slug])

    @property
    def names(self) -> list[str]:
        """The name and every alias: what the mention matcher looks for."""
        return names_in(self.name, self.aliases)

    # As players.models.Player: the names and slug the row held when it was read or last
    # saved, for names_changed().
    loaded_names: list[str] | None = None
    loaded_slug: str | None = None

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> Self:
        trophy = super().from_db(db, field_names, values, **kwargs)
        trophy.remember_names(dict(zip(field_names, values, strict=True)))
        return trophy

    def refresh_from_db(
        self,
        using: str | None = None,
        fields: Iterable[str] | None = None,
        from_queryset: models.QuerySet[Self] | None = None,
    ) -> None:
        fields = None if fields is None else frozenset(fields)
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or fields >= MENTION_FIELDS:
            self.remember_names(self.__dict__)

    def remember_names(self, row: dict[str, Any]) -> None:
        """Take the names and slug in `row` (a field's name to its value) as the stored ones."""
        if "name" in row and "aliases" in row:
            self.loaded_names = names_in(row["name"], row["aliases"])
        if "slug" in row:
            self.loaded_slug = row["slug"]

    def names_changed(self) -> bool:
        """Whether the name, an alias or the slug differs from what the database holds:
        always true for a trophy not saved yet."""
        if self.loaded_names is None or self.loaded_slug != self.slug:
            return True
        return set(self.loaded_names) != set(self.names)  # their order matters not


class HonourQuerySet(models.QuerySet["Honour"]):
    def for_player(self, player: Player | int) -> HonourQuerySet:
        """Honours the player won with the club: as captain or in the squad."""
        return (
            self.filter(models.Q(captain=player) | models.Q(squad=player))
            .distinct()
            .select_related("trophy")
        )


class Honour(models.Model):
    """One win of a trophy."""

    trophy = models.ForeignKey(Trophy, on_delete=models.CASCADE, related_name="honours")
    season = models.CharField(max_length=9, help_text='Written like "2023–24" (with an en dash).')
    won_on = models.DateField(null=True, blank=True, help_text="The day of the final, if any.")
    final_opponent = models.CharField(max_length=100, blank=True)
    score = models.CharField(max_length=100, blank=True, help_text='"1–0 (after extra time)"')
    captain = models.ForeignKey(
        Player, null=True, blank=True, on_delete=models.SET_NULL, related_name="honours_as_captain"
    )
    squad = models.ManyToManyField(Player, blank=True, related_name="honours")
    notes = models.TextField(blank=True)

    objects = HonourQuerySet.as_manager()

    class Meta:
        ordering = ["-season"]
        constraints = [
            models.UniqueConstraint(fields=["trophy", "season"], name="unique_honour_per_season")
        ]

    def __str__(self) -> str:
        return f"{self.trophy} {self.season}"

    def get_absolute_url(self) -> str:
        return self.trophy.get_absolute_url()
