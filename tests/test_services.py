"""The one write path of each model: what it derives, what it keeps, and that it all lands
in one transaction with the page cache's version."""

from __future__ import annotations

import pytest
from django.db import transaction

from articles.importing import import_story
from articles.mentions import Mentions
from articles.models import Article, SlugRedirect, Tag
from articles.services import article_save, relink_articles
from pagecache.models import ContentVersion
from players.models import Player
from players.services import player_save
from revisions.models import Actor, Via
from trophies.models import Trophy
from trophies.services import trophy_save

pytestmark = pytest.mark.django_db


def version() -> int:
    return ContentVersion.objects.get().value


ADMIN = Actor(Via.ADMIN)


def test_saving_the_row_alone_renders_nothing(db):
    article = Article(title="Raw", slug="raw", body="**Bold** words")
    article.save()
    assert (article.body_html, article.card_html, article.word_count) == ("", "", 0)


def test_article_save_derives_everything_a_page_reads(club):
    article = article_save(
        article=Article(
            title="Van Dijk lifts the cup",
            slug="lifts",
            status=Article.Status.PUBLISHED,
            body="Virgil van Dijk <script>x()</script> scored in the **Carabao Cup** final.",
        ),
        actor=ADMIN,
        tags=[Tag.objects.create(name="Final", slug="final")],
    )
    stored = Article.objects.get(pk=article.pk)
    assert stored.body_html == (
        '<p><a class="mention mention-player" href="/squad/virgil-van-dijk/">Virgil van Dijk</a>'
        ' &lt;script&gt;x()&lt;/script&gt; scored in the <strong><a class="mention mention-trophy"'
        ' href="/trophies/league-cup/">Carabao Cup</a></strong> final.</p>\n'
    )
    assert stored.word_count == 12  # the escaped tag is text, as readers see it
    assert (
        'href="/news/lifts/"' in stored.card_html and "Van Dijk lifts the cup" in stored.card_html
    )
    assert [p.slug for p in stored.players.all()] == ["virgil-van-dijk"]
    assert [t.slug for t in stored.trophies.all()] == ["league-cup"]
    assert [t.slug for t in stored.tags.all()] == ["final"]


def test_links_picked_by_hand_are_kept_with_those_found(club):
    salah = Player.objects.get(slug="mohamed-salah")
    article = article_save(
        article=Article(title="A quiet night", slug="quiet", body="Nobody named here."),
        actor=ADMIN,
        picked=Mentions({salah.pk}, set()),
    )
    assert list(article.players.all()) == [salah]
    article.body = "Virgil van Dijk spoke."
    article_save(article=article, actor=ADMIN)  # the stored picks are kept
    assert set(article.players.values_list("slug", flat=True)) == {
        "mohamed-salah",
        "virgil-van-dijk",
    }


def test_hand_picked_links_survive_relinks_and_imports_and_found_ones_follow_the_text(club):
    story = "date 2024-02-26 A quiet night\n\nVirgil van Dijk spoke.\n"
    result = import_story(data=story, source_name="quiet.txt")
    article = Article.objects.get(slug=result.slug)
    salah = Player.objects.get(slug="mohamed-salah")
    cup = Trophy.objects.get(slug="league-cup")
    article_save(article=article, actor=ADMIN, picked=Mentions({salah.pk}, {cup.pk}))
    relink_articles()
    changed = story.replace("Virgil van Dijk spoke.", "Kelleher spoke.")
    assert import_story(data=changed, source_name="quiet.txt", force=True).outcome == "updated"
    article = Article.objects.get(pk=article.pk)
    # Van Dijk, whom the text no longer names, is gone; the picks stay.
    assert set(article.players.values_list("slug", flat=True)) == {
        "caoimhin-kelleher",
        "mohamed-salah",
    }
    assert list(article.trophies.all()) == [cup]
    assert set(article.picked_players.all()) == {salah}
    assert list(article.picked_trophies.all()) == [cup]


def test_a_changed_slug_leaves_a_redirect(db):
    article = article_save(article=Article(title="First", slug="first", body="Text."), actor=ADMIN)
    article = Article.objects.get(pk=article.pk)
    article.slug = "second"
    article_save(article=article, actor=ADMIN)
    assert list(SlugRedirect.objects.values_list("old_slug", "article__slug")) == [
        ("first", "second")
    ]


def test_the_content_version_moves_with_the_write_and_not_without_it(db):
    before = version()
    with pytest.raises(RuntimeError), transaction.atomic():
        article_save(article=Article(title="Rolled back", slug="rolled", body="Text."), actor=ADMIN)
        assert version() > before  # inside the write's transaction
        raise RuntimeError
    assert version() == before and not Article.objects.exists()
    article_save(article=Article(title="Kept", slug="kept", body="Text."), actor=ADMIN)
    assert version() > before


def test_relinking_follows_a_new_alias_and_leaves_the_editorial_time_alone(club, make_article):
    article = make_article(
        title="Macca runs the midfield", slug="macca", body="Macca was everywhere."
    )
    updated_at = Article.objects.get(pk=article.pk).updated_at
    mac_allister = Player.objects.get(slug="alexis-mac-allister")
    mac_allister.aliases += "\nMacca"
    player_save(player=mac_allister)
    assert relink_articles() == 1
    article = Article.objects.get(pk=article.pk)
    assert list(article.players.all()) == [mac_allister]
    assert 'href="/squad/alexis-mac-allister/">Macca</a>' in article.body_html
    assert article.updated_at == updated_at


def test_player_save_makes_the_slug_and_the_card(db):
    player = player_save(player=Player(name="Federico Chiesa", shirt_number=14))
    stored = Player.objects.get(pk=player.pk)
    assert stored.slug == "federico-chiesa"
    assert (
        'href="/squad/federico-chiesa/"' in stored.card_html
        and "Federico Chiesa" in stored.card_html
    )


def test_trophy_save_makes_the_slug(db):
    assert trophy_save(trophy=Trophy(name="Community Shield")).slug == "community-shield"
