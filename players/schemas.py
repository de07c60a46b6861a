import datetime as dt
from typing import Any

from ninja import Schema

from players.models import Player


def _absolute(context: Any, path: str) -> str:
    return context["request"].build_absolute_uri(path)


class PlayerFields(Schema):
    slug: str
    name: str
    kind: str
    position: str
    role: str
    shirt_number: int | None
    nationality: str
    is_current: bool
    url: str
    photo: str | None = None


class PlayerListOut(PlayerFields):
    @staticmethod
    def resolve_url(obj: Player, context: Any) -> str:
        return _absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_photo(obj: Player, context: Any) -> str | None:
        src = (obj.photo_renditions or {}).get("src")
        return _absolute(context, src) if src else None


class HonourRefOut(Schema):
    trophy: str
    trophy_slug: str
    season: str
    captain: bool


class ArticleRefOut(Schema):
    slug: str
    title: str
    published_at: dt.datetime
    url: str


class PlayerOut(PlayerFields):
    """Built by the view: honours and articles come through reverse relations."""

    date_of_birth: dt.date | None
    bio: str
    aliases: list[str]
    honours: list[HonourRefOut]
    recent_articles: list[ArticleRefOut]
