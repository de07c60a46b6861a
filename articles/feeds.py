"""RSS and Atom feeds: all news, and the news about one player or one trophy."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles.models import Article
from players.models import Player
from trophies.models import Trophy

FEED_LENGTH = 20


class ArticleFeed(Feed):
    """What every feed here shares: its items are public articles, newest first."""

    description_template = None

    def articles(self, obj: Any) -> QuerySet[Article]:
        raise NotImplementedError

    def items(self, obj: Any = None) -> QuerySet[Article]:
        return self.articles(obj)[:FEED_LENGTH]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> dt.datetime:
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.author or settings.FANPORTAL_SITE_NAME


class NewsFeed(ArticleFeed):
    def title(self, obj: None = None) -> str:
        return f"{settings.FANPORTAL_SITE_NAME}: {settings.FANPORTAL_CLUB_NAME} news"

    def link(self, obj: None = None) -> str:
        return reverse("articles:list")

    def description(self, obj: None = None) -> str:
        return (
            f"The latest {settings.FANPORTAL_CLUB_NAME} news from {settings.FANPORTAL_SITE_NAME}."
        )

    def articles(self, obj: None) -> QuerySet[Article]:
        return Article.objects.for_feed()


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description


class SubjectFeed(ArticleFeed):
    """The news about one player or one trophy."""

    model: type[Player | Trophy]
    relation: str
    about: str  # the description, with {club} and {name}

    def get_object(self, request: HttpRequest, slug: str) -> Player | Trophy:
        # cast: mypy solves get_object_or_404's model type for type[Player | Trophy] as Model.
        return cast("Player | Trophy", get_object_or_404(self.model, slug=slug))

    def title(self, obj: Player | Trophy) -> str:
        return f"{settings.FANPORTAL_SITE_NAME}: {obj.name}"

    def link(self, obj: Player | Trophy) -> str:
        return obj.get_absolute_url()

    def description(self, obj: Player | Trophy) -> str:
        return self.about.format(club=settings.FANPORTAL_CLUB_NAME, name=obj.name)

    def articles(self, obj: Player | Trophy) -> QuerySet[Article]:
        return Article.objects.for_feed().filter(**{self.relation: obj})


class PlayerFeed(SubjectFeed):
    model, relation, about = Player, "players", "{club} stories that mention {name}."


class AtomPlayerFeed(PlayerFeed):
    feed_type = Atom1Feed
    subtitle = PlayerFeed.description


class TrophyFeed(SubjectFeed):
    model, relation, about = Trophy, "trophies", "{club} stories about the {name}."


class AtomTrophyFeed(TrophyFeed):
    feed_type = Atom1Feed
    subtitle = TrophyFeed.description
