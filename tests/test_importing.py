"""Importing stories into the database, through the module and the command."""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import CommandError, call_command

from articles.importing import Outcome, import_story
from articles.models import Article
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db

STORY = "date 2024-03-01 Szoboszlai stars again\n\nA short standfirst\n\nSzoboszlai scored twice."


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def run(*args: str, stdin: str | None = None) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()))
    try:
        call_command("import_stories", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        code = error.returncode
    finally:
        sys.stdin = sys.__stdin__
    return out.getvalue(), err.getvalue(), code


def test_seed_000_mentions(seeded):
    article = Article.objects.get(source_name__endswith="000_a77e374b8cfda861.txt")
    assert names(article.players) == {"Jürgen Klopp", "Joe Gomez", "Virgil van Dijk"}
    assert names(article.trophies) == {
        "League Cup",
        "Premier League",
        "FA Cup",
        "Europa League",
        "Champions League",
    }


def test_seed_003_mentions(seeded):
    article = Article.objects.get(source_name__endswith="003_b453b6c647e06dae.txt")
    # Klopp is named twice in the story ("Jurgen Klopp’s final season"), so he is found too.
    assert names(article.players) == {
        "Virgil van Dijk",
        "Caoimhín Kelleher",
        "Harvey Elliott",
        "Luis Díaz",
        "Trent Alexander-Arnold",
        "Andy Robertson",
        "Jürgen Klopp",
    }
    assert names(article.trophies) == {
        "League Cup",
        "FA Cup",
        "Premier League",
        "Champions League",
        "Europa League",
    }


def test_first_mentions_are_linked_in_body_html(seeded):
    article = Article.objects.get(source_name__endswith="003_b453b6c647e06dae.txt")
    assert (
        '<a class="mention mention-player" href="/squad/trent-alexander-arnold/">'
        "Trent-Alexander Arnold</a>" in article.body_html
    )
    assert (
        '<a class="mention mention-trophy" href="/trophies/league-cup/">Carabao Cup</a>'
        in article.body_html
    )
    assert article.body_html.count('href="/squad/caoimhin-kelleher/"') == 1


def test_imported_articles_are_published_with_derived_fields(seeded):
    article = Article.objects.get(source_name__endswith="003_b453b6c647e06dae.txt")
    assert article.status == Article.Status.PUBLISHED
    assert (
        article.slug
        == "liverpool-celebrated-in-style-after-defeating-chelsea-in-the-carabao-cup-final"
    )
    assert article.word_count == 530
    assert article.published_at.isoformat() == "2024-02-26T00:00:00+00:00"
    assert Article.objects.published().count() == 2


def test_reimport_creates_nothing(seeded):
    out, err, code = run(str(SEEDS))
    assert (out, err, code) == ("0 created, 0 updated, 2 unchanged, 0 failed\n", "", 0)
    assert Article.objects.count() == 2


def test_command_reports_each_file_at_verbosity_2(club):
    out, _, code = run(str(SEEDS / "000_a77e374b8cfda861.txt"), "-v", "2")
    path = SEEDS / "000_a77e374b8cfda861.txt"
    assert out.splitlines() == [
        f"{path}: created “Jurgen Klopp's last dance at Liverpool is off to the perfect start”"
        " → /news/jurgen-klopps-last-dance-at-liverpool-is-off-to-the-perfect-start/",
        "1 created, 0 updated, 0 unchanged, 0 failed",
    ]
    assert code == 0


def test_the_same_story_under_another_name_is_the_same_story(club):
    import_story(data=STORY, source_name="a.txt")
    result = import_story(data=STORY, source_name="renamed.txt")
    assert result.outcome is Outcome.UNCHANGED
    assert Article.objects.count() == 1


def test_changed_story_is_left_alone_without_update(club):
    import_story(data=STORY, source_name="a.txt")
    result = import_story(data=STORY + "\n\nA new paragraph.", source_name="a.txt")
    assert result.outcome is Outcome.CHANGED
    assert result.message == (
        "a.txt: changed since it was imported; left alone (use --update to replace it)"
        " → /news/szoboszlai-stars-again/"
    )
    assert "new paragraph" not in Article.objects.get().body


def test_update_replaces_the_text_and_relinks(club):
    import_story(data=STORY, source_name="a.txt")
    result = import_story(data=STORY + "\n\nSalah made both.", source_name="a.txt", update=True)
    assert result.outcome is Outcome.UPDATED
    article = Article.objects.get()
    assert article.body.endswith("Salah made both.")
    assert names(article.players) == {"Dominik Szoboszlai", "Mohamed Salah"}


def test_status_draft_imports_for_review(club):
    import_story(data=STORY, source_name="a.txt", status=Article.Status.DRAFT)
    assert Article.objects.get().status == Article.Status.DRAFT
    assert not Article.objects.published().exists()


def test_dry_run_writes_nothing_and_predicts_the_outcome(tmp_path, club):
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "copy.txt").write_text(STORY)
    (tmp_path / "bad.txt").write_text("no date here")
    out, err, code = run(str(tmp_path), "--dry-run", "-v", "2")
    assert out.splitlines() == [
        f"{tmp_path}/a.txt: created “Szoboszlai stars again”",
        f"{tmp_path}/copy.txt: unchanged “Szoboszlai stars again”",
        "dry run, nothing written: 1 created, 0 updated, 1 unchanged, 1 failed",
    ]
    assert (
        f'{tmp_path}/bad.txt:1: no date line: expected "date YYYY-MM-DD HEADLINE", found "no date here"'
        in err
    )
    assert code == 1
    assert Article.objects.count() == 0


def test_good_files_import_when_others_fail_and_the_exit_status_is_1(tmp_path, club):
    (tmp_path / "good.txt").write_text(STORY)
    (tmp_path / "empty.txt").write_text("")
    out, err, code = run(str(tmp_path), str(tmp_path / "missing.txt"))
    assert out == "1 created, 0 updated, 0 unchanged, 2 failed\n"
    assert err.splitlines() == [
        f"{tmp_path}/missing.txt: no such file or folder",
        f"{tmp_path}/empty.txt: empty file",
    ]
    assert code == 1
    assert list(Article.objects.values_list("title", flat=True)) == ["Szoboszlai stars again"]


def test_a_failed_file_writes_nothing(club):
    result = import_story(data="date 2024-02-30 Impossible\n\nBody.", source_name="x.txt")
    assert result.failed
    assert Article.objects.count() == 0


def test_standard_input(club):
    out, _, code = run("-", "-v", "2", stdin=STORY)
    assert out.splitlines()[0].startswith("<stdin>: created “Szoboszlai stars again”")
    assert code == 0
    assert Article.objects.get().source_name == "<stdin>"


def test_same_headline_on_another_day_gets_a_distinct_slug(club):
    import_story(data=STORY, source_name="a.txt")
    import_story(data=STORY.replace("2024-03-01", "2024-03-08"), source_name="b.txt")
    import_story(data=STORY.replace("2024-03-01", "2024-03-08") + "\n\nMore.", source_name="c.txt")
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "szoboszlai-stars-again",
        "szoboszlai-stars-again-2024-03-08",
    ]


def test_slug_taken_by_an_admin_article_gets_the_date(make_article, club):
    make_article(title="Szoboszlai stars again", slug="szoboszlai-stars-again")
    result = import_story(data=STORY, source_name="a.txt")
    assert result.slug == "szoboszlai-stars-again-2024-03-01"


def test_markup_in_a_story_never_reaches_the_page_as_markup(club):
    story = (
        "date 2024-03-01 <script>alert(1)</script> headline\n\n"
        "<img src=x onerror=alert(1)> and [x](javascript:alert(1))"
    )
    import_story(data=story, source_name="evil.txt")
    assert Article.objects.get().body_html == (
        "<p>&lt;img src=x onerror=alert(1)&gt; and [x](javascript:alert(1))</p>\n"
    )
