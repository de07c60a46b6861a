from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, Self

from django.db import models
from django.urls import reverse

from images.fields import SafeImageField

PHOTO_WIDTHS = (160, 320)
# What a mention of a person depends on: the names the text is matched against, and the page
# the link points at.
MENTION_FIELDS = frozenset({"name", "aliases", "slug"})


def names_in(name: str, aliases: str) -> list[str]:
    """The name and every alias (one a line, blank lines skipped)."""
    return [name, *(line.strip() for line in aliases.splitlines() if line.strip())]


class Mentionable(models.Model):
    """What the mention matcher finds in stories (a person, a trophy): a name, aliases and
    a page, and whether a save changed them, which is when articles are relinked."""

    name: str
    aliases: str
    slug: str

    class Meta:
        abstract = True

    def save(self, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = update_fields = frozenset(update_fields)
        super().save(**kwargs)
        # A save of other fields leaves the stored names as they were.
        if update_fields is None or update_fields >= MENTION_FIELDS:
            self.remember_names(self.__dict__)

    @property
    def names(self) -> list[str]:
        """The name and every alias: what the mention matcher looks for."""
        return names_in(self.name, self.aliases)

    # The names and slug the row held when it was read or last saved (None for a new row,
    # or one read without them): names_changed() compares with them, so that only a save
    # that changes what articles link relinks them (articles.apps).
    loaded_names: list[str] | None = None
    loaded_slug: str | None = None

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> Self:
        row = super().from_db(db, field_names, values, **kwargs)
        row.remember_names(dict(zip(field_names, values, strict=True)))
        return row

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
        """Whether the name, an alias or the slug (mention links point at the page) differs
        from what the database holds: always true for a row not saved yet."""
        if self.loaded_names is None or self.loaded_slug != self.slug:
            return True
        return set(self.loaded_names) != set(self.names)  # their order matters not


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


class Player(Mentionable):
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
    def initials(self) -> str:
        parts = [part for part in self.name.replace("-", " ").split() if part[:1].isupper()]
        return "".join(part[0] for part in parts[:1] + parts[1:][-1:]) or self.name[:1]

    @property
    def is_staff_member(self) -> bool:
        return self.kind != self.Kind.PLAYER

    @property
    def position_label(self) -> str:
        return self.role or self.get_position_display() or self.get_kind_display()
