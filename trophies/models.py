from __future__ import annotations

from django.db import models
from django.db.models import Count, Max, Prefetch
from django.urls import reverse

from images.fields import SafeImageField
from players.models import Mentionable, Player

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


class Trophy(Mentionable):
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

    def get_absolute_url(self) -> str:
        return reverse("trophies:detail", args=[self.slug])


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
