from __future__ import annotations

from django.db import models
from django.urls import reverse

from images.fields import SafeImageField

PHOTO_WIDTHS = (160, 320)


class PlayerQuerySet(models.QuerySet["Player"]):
    def current(self) -> PlayerQuerySet:
        return self.filter(is_current=True)

    def squad(self) -> PlayerQuerySet:
        """Today's playing squad, in the order the squad page shows it."""
        return self.current().filter(kind=Player.Kind.PLAYER).order_by("shirt_number", "name")

    def staff(self) -> PlayerQuerySet:
        return self.current().exclude(kind=Player.Kind.PLAYER).order_by("kind", "name")

    def cards(self) -> models.QuerySet[Player, str]:
        """The stored card HTML of each person, in this queryset's order (no model objects)."""
        return self.values_list("card_html", flat=True)

    def for_listing(self) -> PlayerQuerySet:
        return self.only(
            "name",
            "slug",
            "kind",
            "position",
            "role",
            "shirt_number",
            "nationality",
            "photo",
            "photo_renditions",
            "date_of_birth",
            "is_current",
            "card_html",
        )


class Player(models.Model):
    class Kind(models.TextChoices):
        PLAYER = "player", "Player"
        MANAGER = "manager", "Manager"
        COACH = "coach", "Coach"

    class Position(models.TextChoices):
        GOALKEEPER = "goalkeeper", "Goalkeeper"
        DEFENDER = "defender", "Defender"
        MIDFIELDER = "midfielder", "Midfielder"
        FORWARD = "forward", "Forward"

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True, help_text="Used in the page's address.")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.PLAYER)
    position = models.CharField(
        max_length=12, choices=Position, blank=True, help_text="Blank for staff."
    )
    role = models.CharField(
        max_length=100, blank=True, help_text='For staff: "Assistant manager", "Goalkeeping coach".'
    )
    shirt_number = models.PositiveSmallIntegerField(null=True, blank=True)
    nationality = models.CharField(max_length=60, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    photo = SafeImageField(
        upload_to="players/",
        blank=True,
        help_text="A square head-and-shoulders picture works best.",
    )
    photo_renditions = models.JSONField(default=dict, blank=True, editable=False)
    bio = models.TextField(blank=True)
    aliases = models.TextField(
        blank=True,
        help_text=(
            "Other names stories use for this person, one per line "
            '("Van Dijk", "Virgil"). Matching ignores case and accents.'
        ),
    )
    is_current = models.BooleanField(
        "in today's squad", default=True, help_text="Untick when the person leaves the club."
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The person's card in squad lists, rendered on save by players.services.player_save.
    card_html = models.TextField(default="", editable=False)

    objects = PlayerQuerySet.as_manager()

    class Meta:
        ordering = ["shirt_number", "name"]
        indexes = [models.Index(fields=["is_current", "kind", "shirt_number"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("players:detail", args=[self.slug])

    @property
    def names(self) -> list[str]:
        """The name and every alias: what the mention matcher looks for."""
        return [self.name, *(line.strip() for line in self.aliases.splitlines() if line.strip())]

    @property
    def initials(self) -> str:
        parts = [part for part in self.name.replace("-", " ").split() if part[:1].isupper()]
        return "".join(part[0] for part in parts[:1] + parts[1:][-1:]) or self.name[:1]

    @property
    def is_staff_member(self) -> bool:
        return self.kind != self.Kind.PLAYER

    @property
    def position_label(self) -> str:
        return self.role or self.get_position_display() or self.get_kind_display()
