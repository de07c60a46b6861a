"""Mentions follow the squad: a new player, trophy or alias relinks old stories in the background.

Tasks run with Django's immediate backend here (tests/conftest.py), once the transaction that
enqueued them commits: each test runs the on-commit callbacks it wants with
django_capture_on_commit_callbacks. The last test runs the real worker (`manage.py db_worker`)
in a process of its own against this test's database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from http import HTTPStatus

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import connection
from django.tasks import TaskResultStatus
from django.tasks.signals import task_enqueued

from articles.models import Article
from articles.search import mentioning
from articles.tasks import affected_articles, relink_mentions_of
from players.models import Player
from players.services import player_save
from tests.test_import_processes import MANAGE
from trophies.models import Trophy
from trophies.services import trophy_save

pytestmark = pytest.mark.django_db

CHIESA_LINK = '<a class="mention mention-player" href="/squad/federico-chiesa/">Chiesa</a>'
MACCA_LINK = '<a class="mention mention-player" href="/squad/alexis-mac-allister/">Macca</a>'


@pytest.fixture
def enqueued():
    """Every task result enqueued during the test (django.tasks' task_enqueued signal)."""
    results = []

    def record(sender, task_result, **kwargs):
        results.append(task_result)

    task_enqueued.connect(record)
    yield results
    task_enqueued.disconnect(record)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a block leaves for after the commit (the enqueue, then, at once, the task)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def mac_allister(club):
    return Player.objects.get(slug="alexis-mac-allister")


def new_chiesa() -> Player:
    return player_save(
        player=Player(
            name="Federico Chiesa",
            aliases="Chiesa",
            kind=Player.Kind.PLAYER,
            position=Player.Position.FORWARD,
            shirt_number=14,
        )
    )


def body_html(article: Article) -> str:
    return Article.objects.get(pk=article.pk).body_html


def test_a_new_player_links_an_old_story_that_names_him(club, make_article, committed, client):
    story = make_article(title="Talks with Juventus", body="Liverpool are close to Chiesa.")
    assert story.players.count() == 0

    with committed():
        chiesa = new_chiesa()

    assert body_html(story) == f"<p>Liverpool are close to {CHIESA_LINK}.</p>\n"
    assert list(story.players.all()) == [chiesa]
    page = client.get("/squad/federico-chiesa/")
    assert page.status_code == HTTPStatus.OK
    assert "Talks with Juventus" in page.content.decode()


def test_a_new_alias_links_the_stories_that_use_it(mac_allister, make_article, committed):
    macca = make_article(body="Macca ran the midfield.")
    other = make_article(body="Maccabi Haifa came to Anfield.")  # not a whole word
    mac_allister.aliases += "\nMacca"

    with committed():
        player_save(player=mac_allister)

    assert body_html(macca) == f"<p>{MACCA_LINK} ran the midfield.</p>\n"
    assert list(macca.players.all()) == [mac_allister]
    assert other.players.count() == 0


def test_a_renamed_alias_unlinks_the_old_and_links_the_new(mac_allister, make_article, committed):
    mac_allister.aliases = "Mac Allister\nMacca"
    with committed():
        player_save(player=mac_allister)
    old = make_article(body="Macca ran the midfield.")
    new = make_article(body="Big Mac ran the midfield.")
    assert list(old.players.all()) == [mac_allister]

    mac_allister.aliases = "Mac Allister\nBig Mac"
    with committed():
        player_save(player=mac_allister)

    assert old.players.count() == 0
    assert body_html(old) == "<p>Macca ran the midfield.</p>\n"
    assert list(new.players.all()) == [mac_allister]
    assert "/squad/alexis-mac-allister/" in body_html(new)


def test_a_removed_alias_unlinks_what_no_longer_matches(mac_allister, make_article, committed):
    short = make_article(body="Mac Allister scored from distance.")
    full = make_article(body="Alexis Mac Allister scored from distance.")
    mac_allister.aliases = ""

    with committed():
        player_save(player=mac_allister)

    assert short.players.count() == 0
    assert "<a" not in body_html(short)
    assert list(full.players.all()) == [mac_allister]


def test_a_new_slug_moves_the_links(mac_allister, make_article, committed):
    story = make_article(body="Mac Allister scored.")
    mac_allister.slug = "alexis-macallister"

    with committed():
        player_save(player=mac_allister)

    assert 'href="/squad/alexis-macallister/"' in body_html(story)


def test_a_new_alias_enqueues_one_task_that_looks_for_it_alone(mac_allister, committed, enqueued):
    mac_allister.aliases = "Mac Allister\nMacca"
    with committed():
        player_save(player=mac_allister)

    assert [(result.task.name, result.kwargs) for result in enqueued] == [
        (
            "relink_mentions_of",
            {"kind": "player", "pk": mac_allister.pk, "names": ["Macca"], "unlink": False},
        )
    ]
    assert enqueued[0].status == TaskResultStatus.SUCCESSFUL


def test_a_removed_alias_or_a_new_slug_relinks_the_linked_articles_too(
    mac_allister, committed, enqueued
):
    mac_allister.aliases = "Macca"
    with committed():
        player_save(player=mac_allister)
    mac_allister.slug = "mac-allister"
    with committed():
        player_save(player=mac_allister)

    assert [result.kwargs for result in enqueued] == [
        {
            "kind": "player",
            "pk": mac_allister.pk,
            "names": ["Macca", "Mac Allister"],
            "unlink": True,
        },
        {"kind": "player", "pk": mac_allister.pk, "names": [], "unlink": True},
    ]


def test_a_new_alias_leaves_the_other_stories_about_him_alone(
    mac_allister, make_article, committed, enqueued
):
    make_article(body="Mac Allister scored.")
    macca = make_article(body="Macca scored.")
    mac_allister.aliases += "\nMacca"
    with committed():
        player_save(player=mac_allister)

    assert [result.return_value for result in enqueued] == [1]  # articles relinked
    assert list(macca.players.all()) == [mac_allister]


def test_changing_only_the_bio_enqueues_nothing(mac_allister, make_article, committed, enqueued):
    make_article(body="Mac Allister scored.")
    mac_allister.bio = "Joined from Brighton in 2023."
    mac_allister.shirt_number = 11
    with committed():
        player_save(player=mac_allister)
        Player.objects.get(pk=mac_allister.pk).save(update_fields=["is_current"])

    assert enqueued == []


def test_a_second_save_after_a_change_enqueues_nothing_more(mac_allister, committed, enqueued):
    mac_allister.aliases = "Macca"
    with committed():
        player_save(player=mac_allister)
        player_save(player=mac_allister)  # the renditions or a second click: names as saved

    assert len(enqueued) == 1


def test_deleting_a_player_removes_his_links(seeded, committed):
    story = Article.objects.get(players__slug="caoimhin-kelleher")
    assert 'href="/squad/caoimhin-kelleher/"' in story.body_html

    with committed():
        Player.objects.get(slug="caoimhin-kelleher").delete()

    assert 'href="/squad/caoimhin-kelleher/"' not in body_html(story)
    assert "Kelleher" in body_html(story)
    assert story.players.exists()  # the others it names stay linked


def test_deleting_one_of_two_people_sharing_an_alias_gives_it_to_the_other(
    club, make_article, committed
):
    with committed():
        other = player_save(
            player=Player(name="Someone Jones", slug="someone-jones", aliases="Jones")
        )
    story = make_article(body="Jones scored late on.")
    assert story.players.count() == 0  # "Jones" is ambiguous

    with committed():
        other.delete()

    assert list(story.players.values_list("slug", flat=True)) == ["curtis-jones"]


def test_a_new_trophy_alias_links_its_stories(club, make_article, committed):
    story = make_article(body="Liverpool won the Club World Cup in 2019.")
    with committed():
        cup = trophy_save(trophy=Trophy(name="FIFA Club World Cup", aliases="Club World Cup"))

    assert list(story.trophies.all()) == [cup]
    assert 'href="/trophies/fifa-club-world-cup/"' in body_html(story)


def test_changing_a_trophy_description_enqueues_nothing(club, committed, enqueued):
    cup = Trophy.objects.get(slug="league-cup")
    cup.description = "England's second cup."
    with committed():
        trophy_save(trophy=cup)

    assert enqueued == []


def player_form(player: Player, **changes: str) -> dict[str, str]:
    """The admin's player form as a browser would post it."""
    data = {
        "name": player.name,
        "slug": player.slug,
        "aliases": player.aliases,
        "is_current": "on",
        "kind": player.kind,
        "position": player.position,
        "role": player.role,
        "shirt_number": str(player.shirt_number or ""),
        "nationality": player.nationality,
        "date_of_birth": str(player.date_of_birth or ""),
        "bio": player.bio,
    }
    return {**data, **changes}


def sent_messages(response) -> list[tuple[int, str]]:
    return [(message.level, message.message) for message in get_messages(response.wsgi_request)]


def test_the_admin_says_it_relinks_when_a_player_is_added(
    admin_client, club, make_article, committed
):
    story = make_article(body="Chiesa trained with the squad.")
    form = player_form(Player(name="Federico Chiesa", slug="federico-chiesa"), aliases="Chiesa")
    form["position"] = "forward"
    with committed():
        response = admin_client.post("/admin/players/player/add/", form)

    assert response.status_code == HTTPStatus.FOUND
    assert sent_messages(response) == [
        (messages.INFO, "Relinking articles that may mention Federico Chiesa."),
        (
            messages.SUCCESS,
            f'The player “<a href="/admin/players/player/{Player.objects.get(slug="federico-chiesa").pk}'
            '/change/">Federico Chiesa</a>” was added successfully.',
        ),
    ]
    assert CHIESA_LINK in body_html(story)


def test_the_admin_says_it_relinks_when_an_alias_changes(admin_client, mac_allister, committed):
    url = f"/admin/players/player/{mac_allister.pk}/change/"
    with committed():
        response = admin_client.post(url, player_form(mac_allister, aliases="Mac Allister\nMacca"))

    assert response.status_code == HTTPStatus.FOUND
    levels_and_texts = sent_messages(response)
    assert levels_and_texts[0] == (
        messages.INFO,
        "Relinking articles that may mention Alexis Mac Allister.",
    )
    assert len(levels_and_texts) == 2  # and the admin's own "was changed successfully"


def test_the_admin_says_nothing_of_relinking_when_only_the_bio_changes(
    admin_client, mac_allister, committed, enqueued
):
    url = f"/admin/players/player/{mac_allister.pk}/change/"
    with committed():
        response = admin_client.post(url, player_form(mac_allister, bio="A new bio."))

    assert response.status_code == HTTPStatus.FOUND
    assert [text for _, text in sent_messages(response) if "Relinking" in text] == []
    assert enqueued == []


def test_the_trophy_admin_says_it_relinks_when_an_alias_changes(admin_client, club, committed):
    cup = Trophy.objects.get(slug="league-cup")
    form = {
        "name": cup.name,
        "slug": cup.slug,
        "aliases": cup.aliases + "\nThe League Cup",
        "description": cup.description,
        "honours-TOTAL_FORMS": "0",
        "honours-INITIAL_FORMS": "0",
        "honours-MIN_NUM_FORMS": "0",
        "honours-MAX_NUM_FORMS": "1000",
    }
    with committed():
        response = admin_client.post(f"/admin/trophies/trophy/{cup.pk}/change/", form)

    assert response.status_code == HTTPStatus.FOUND
    assert sent_messages(response)[0] == (
        messages.INFO,
        "Relinking articles that may mention League Cup.",
    )


@pytest.mark.parametrize(
    "text",
    [
        "Trent-Alexander Arnold crossed.",
        "Trent Alexander-Arnold crossed.",
        "A trent alexander arnold cross.",
        "A Trent Alexander-Arnold-inspired win.",
        "The Van Dijk-led defence held.",
        "CAOIMHIN KELLEHER saved it.",
        "Caoimhín Kelleher's save.",
        "Salah, Núñez and Gakpo.",
    ],
)
def test_the_index_finds_what_the_matcher_finds(club, make_article, text):
    story = make_article(body=text)
    matched = {player.name for player in story.players.all()}
    assert matched
    for player in Player.objects.filter(name__in=matched):
        assert story.pk in mentioning(player.names), player.name


def test_the_index_leaves_out_what_the_matcher_leaves_out(club, make_article):
    make_article(body="Maccabi and Salahs and Kelleherstown.")
    assert mentioning(["Macca", "Salah", "Kelleher"]) == set()


def test_the_candidates_are_read_in_batches(club, make_article):
    stories = {make_article(body=f"Macca scored goal {n}.").pk for n in range(3)}
    make_article(body="Nobody scored.")
    assert mentioning(["Macca"], batch_size=2) == stories


def test_a_name_of_stop_words_alone_is_still_found(club, make_article):
    # PostgreSQL's index holds no stop words: the matcher reads every article instead.
    story = make_article(body="It was the night of nights.")
    make_article(body="Nothing to see.")
    assert mentioning(["It"]) == {story.pk}


def test_the_affected_articles_of_a_new_alias_in_two_queries(
    seeded, make_article, django_assert_num_queries
):
    kelleher = Player.objects.get(slug="caoimhin-kelleher")
    story = make_article(body="Macca and Kelleher.")
    queries = 2 if connection.vendor == "sqlite" else 3  # PostgreSQL checks for stop words
    with django_assert_num_queries(queries):
        found = affected_articles(kind="player", pk=kelleher.pk, names=["Macca"], unlink=False)
    assert found == {story.pk}


def test_the_affected_articles_of_a_removed_alias_in_three_queries(
    seeded, make_article, django_assert_num_queries
):
    kelleher = Player.objects.get(slug="caoimhin-kelleher")
    linked = set(kelleher.articles.values_list("pk", flat=True))
    story = make_article(body="Macca and Kelleher.")
    queries = 3 if connection.vendor == "sqlite" else 4
    with django_assert_num_queries(queries):
        found = affected_articles(kind="player", pk=kelleher.pk, names=["Macca"], unlink=True)
    assert found == linked | {story.pk}


def test_the_task_relinks_nothing_when_nothing_is_affected(club):
    result = relink_mentions_of.enqueue(kind="player", pk=1, names=["Nobody Atall"])
    assert (result.status, result.return_value) == (TaskResultStatus.SUCCESSFUL, 0)


def database_url() -> str:
    """This test database's address, for a process of its own."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    user, host, port = database["USER"], database["HOST"], database["PORT"]
    return f"postgres://{user}@{host}:{port}/{database['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_runs_the_task_a_new_player_enqueues(settings, make_article, enqueued):
    """Saving a player commits a task row; `manage.py db_worker`, a separate process, runs it
    and the old story links him."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    story = make_article(body="Chiesa is on his way.")
    worker = subprocess.Popen(
        [sys.executable, MANAGE, "db_worker", "--interval", "0.1", "--no-startup-delay"],
        env={
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "test-worker",
            "DATABASE_URL": database_url(),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        chiesa = new_chiesa()  # autocommit: the task row is written after the player's
        (result,) = enqueued
        assert result.status == TaskResultStatus.READY
        deadline = time.monotonic() + 60
        while result.status != TaskResultStatus.SUCCESSFUL and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
            time.sleep(0.1)
            result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert result.return_value == 1
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)

    assert worker.returncode == 0, output
    assert f"Task id={result.id} path=articles.tasks.relink_mentions_of state=SUCCESSFUL" in output
    assert list(story.players.all()) == [chiesa]
    assert CHIESA_LINK in body_html(story)
