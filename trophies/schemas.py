import datetime as dt
from typing import Any

from ninja import Schema

from trophies.models import Honour, Trophy


class TrophyListOut(Schema):
    slug: str
    name: str
    wins: int
    last_season: str | None
    url: str

    @staticmethod
    def resolve_wins(obj: Trophy) -> int:
        return obj.honour_count

    @staticmethod
    def resolve_url(obj: Trophy, context: Any) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class HonourOut(Schema):
    season: str
    won_on: dt.date | None
    final_opponent: str
    score: str
    captain: str | None
    notes: str

    @staticmethod
    def resolve_captain(obj: Honour) -> str | None:
        return obj.captain.name if obj.captain else None


class TrophyOut(TrophyListOut):
    aliases: list[str]
    description: str
    honours: list[HonourOut]

    @staticmethod
    def resolve_wins(obj: Trophy) -> int:
        return len(obj.honours.all())

    @staticmethod
    def resolve_last_season(obj: Trophy) -> str | None:
        return max((h.season for h in obj.honours.all()), default=None)

    @staticmethod
    def resolve_aliases(obj: Trophy) -> list[str]:
        return obj.names[1:]

    @staticmethod
    def resolve_honours(obj: Trophy) -> list[Honour]:
        return list(obj.honours.all())
