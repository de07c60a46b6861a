"""schema.org NewsArticle for an article page, as a JSON-LD dict."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.templatetags.static import static

from articles.models import Article
from players.structured_data import Absolute, person, team


def news_article(article: Article, absolute: Absolute) -> dict[str, Any]:
    """Reads only the article and its subjects."""
    url = absolute(article.get_absolute_url())
    club = team(absolute)
    people = [person(player, absolute, club) for player in article.subjects.players]
    trophies = [
        {"@type": "Thing", "name": trophy.name, "url": absolute(trophy.get_absolute_url())}
        for trophy in article.subjects.trophies
    ]
    # The matches it previews or reports: the events it is about.
    events = [
        {
            "@type": "SportsEvent",
            "name": f"{link.match.home.short_name} v {link.match.away.short_name}",
            "startDate": link.match.kickoff.isoformat(),
            "url": absolute(link.match.get_absolute_url()),
        }
        for link in article.subjects.matches
    ]
    publisher = {
        "@type": "Organization",
        "name": settings.FANPORTAL_SITE_NAME,
        "url": absolute("/"),
        "logo": {"@type": "ImageObject", "url": absolute(static("img/crest.svg"))},
    }
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "wordCount": article.word_count,
        "author": {"@type": "Person", "name": article.author} if article.author else publisher,
        "publisher": publisher,
        "about": events + people,
        "mentions": people + trophies,
    }
    if article.image:
        data["image"] = absolute(article.image.url)
    return data
