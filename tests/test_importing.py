"""Importing stories into the database, through the module and the command."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from articles.admin_import import ADMIN
from articles.importing import (
    API,
    COMMAND_LINE,
    Outcome,
    Summary,
    collect_sources,
    import_stories,
    import_story,
)
from articles.models import Article
from articles.services import article_restore, article_save
from revisions.models import Actor, Revision, Via
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db

STORY = "date 2024-03-01 Szoboszlai stars again\n\nA short standfirst\n\nSzoboszlai scored twice."
# Re-importing unchanged stories: the mention index (players, trophies) and the batch's
# stored hashes, however many stories.
UNCHANGED_QUERIES = 3


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
    (tmp_path / "bad.txt").write_text("no date here")
    out, err, code = run(str(tmp_path), "--dry-run", "-v", "2")
    assert out.splitlines() == [
        f"{tmp_path}/a.txt: created “Szoboszlai stars again”",
        "dry run, nothing written: 1 created, 0 updated, 0 unchanged, 1 failed",
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


# ------------------------------------------------------------------ editors and duplicates

LONDON = ZoneInfo("Europe/London")
IMPORTED_AT = dt.datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)
EDITED_AT = dt.datetime(2026, 12, 1, 12, 3, tzinfo=LONDON)
REIMPORTED_AT = dt.datetime(2026, 12, 1, 12, 30, tzinfo=LONDON)
URL = "/news/szoboszlai-stars-again/"
REFUSED = (
    "08-good.txt: not replaced: “Szoboszlai stars again” was edited by Alice Smith on "
    "1 December 2026, 12:03:00 since it was imported (use --force to replace it; the edited "
    f"text stays in its revisions) → {URL}"
)


@pytest.fixture
def alice(db) -> User:
    return User.objects.create_user("alice", first_name="Alice", last_name="Smith")


def edit(article: Article, *, user: User, **fields: str) -> Article:
    """Save the article as a person does in the admin."""
    for name, value in fields.items():
        setattr(article, name, value)
    return article_save(article=article, actor=Actor(Via.ADMIN, user=user))


@pytest.fixture
def in_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # so that the files' names in messages are short


@pytest.fixture
def edited(in_folder, club, alice, time_machine) -> None:
    """08-good.txt (in the current folder) imported at 11:00, its standfirst fixed by Alice
    Smith at 12:03, and the file changed since; the clock stands at 12:30."""
    time_machine.move_to(IMPORTED_AT, tick=False)
    story = Path("08-good.txt")
    story.write_text(STORY)
    assert run(str(story))[2] == 0
    time_machine.move_to(EDITED_AT, tick=False)
    edit(Article.objects.get(), user=alice, standfirst="A fixed standfirst")
    time_machine.move_to(REIMPORTED_AT, tick=False)
    story.write_text(STORY + "\n\nA new paragraph.")


@pytest.mark.parametrize("options", [["--update"], []], ids=["update", "no-update"])
def test_a_story_an_editor_edited_is_not_replaced(edited, options):
    out, err, code = run("08-good.txt", *options)
    assert out.splitlines() == [
        REFUSED,
        "0 created, 0 updated, 0 unchanged, 0 failed, 1 edited and left alone "
        "(use --force to replace)",
    ]
    assert (err, code) == ("", 0)
    article = Article.objects.get()
    assert article.standfirst == "A fixed standfirst"
    assert "new paragraph" not in article.body
    assert Revision.objects.of(article).count() == 2  # the import's and Alice's, no more


@pytest.mark.parametrize("options", [["--force"], ["--update", "--force"]])
def test_force_replaces_an_edited_story_and_its_revisions_keep_the_edit(edited, options):
    out, err, code = run("08-good.txt", *options)
    assert out.splitlines() == [
        "08-good.txt: updated “Szoboszlai stars again”, replacing the edit by Alice Smith on "
        f"1 December 2026, 12:03:00 (the edited text stays in its revisions) → {URL}",
        "0 created, 1 updated, 0 unchanged, 0 failed",
    ]
    assert (err, code) == ("", 0)
    article = Article.objects.get()
    assert (article.standfirst, article.body) == (
        "A short standfirst",
        "Szoboszlai scored twice.\n\nA new paragraph.",
    )
    revisions = list(Revision.objects.of(article))
    assert [(revision.source, revision.author) for revision in revisions] == [
        (Via.IMPORT, "the story import (08-good.txt)"),
        (Via.ADMIN, "Alice Smith"),
        (Via.IMPORT, "the story import (08-good.txt)"),
    ]
    assert revisions[1].data["standfirst"] == "A fixed standfirst"


def test_once_forced_the_story_is_the_import_s_again(edited):
    run("08-good.txt", "--force")
    Path("08-good.txt").write_text(STORY + "\n\nAnother paragraph.")
    out, _, _ = run("08-good.txt", "--update")
    assert out == "0 created, 1 updated, 0 unchanged, 0 failed\n"


def test_a_save_that_keeps_the_imported_text_is_not_an_edit(club, alice):
    # A contributor's story imported as a draft, then published by an editor: the import's
    # text is untouched, so replacing it undoes nobody's work.
    import_story(data=STORY, source_name="a.txt", status=Article.Status.DRAFT)
    edit(Article.objects.get(), user=alice, status=Article.Status.PUBLISHED)
    result = import_story(data=STORY + "\n\nMore.", source_name="a.txt", update=True)
    assert (result.outcome, result.edit) == (Outcome.UPDATED, None)
    assert Article.objects.get().status == Article.Status.PUBLISHED


def test_restoring_the_imported_text_is_not_an_edit(club, alice):
    import_story(data=STORY, source_name="a.txt")
    article = edit(Article.objects.get(), user=alice, body="Alice's body.")
    imported = Revision.objects.of(article).get(source=Via.IMPORT)
    article_restore(article=article, revision=imported, actor=Actor(Via.RESTORE, alice))
    result = import_story(data=STORY + "\n\nMore.", source_name="a.txt", update=True)
    assert result.outcome is Outcome.UPDATED


def test_an_edit_through_the_api_counts_too(club, alice):
    import_story(data=STORY, source_name="a.txt")
    article = Article.objects.get()
    article.title = "Szoboszlai stars once more"
    article_save(article=article, actor=Actor(Via.API, user=alice))
    result = import_story(data=STORY + "\n\nMore.", source_name="a.txt", update=True)
    assert result.outcome is Outcome.EDITED
    assert result.edit is not None and result.edit.author == "Alice Smith"


def test_messages_name_the_options_in_each_surface_s_words(club, alice):
    import_story(data=STORY, source_name="a.txt")
    changed = import_story(data=STORY + "\n\nMore.", source_name="a.txt")
    assert (
        changed.message_for(COMMAND_LINE)
        == changed.message
        == (
            f"a.txt: changed since it was imported; left alone (use --update to replace it) → {URL}"
        )
    )
    assert changed.message_for(ADMIN) == (
        "a.txt: changed since it was imported; left alone "
        "(tick “Replace changed stories” to replace it)"
    )
    assert changed.message_for(API) == (
        'a.txt: changed since it was imported; left alone (send "update": true to replace it)'
        f" → {URL}"
    )
    edit(Article.objects.get(), user=alice, standfirst="Fixed")
    edited = import_story(data=STORY + "\n\nMore.", source_name="a.txt", update=True)
    assert edited.outcome is Outcome.EDITED
    assert "(tick “Replace edited stories too” to replace it;" in edited.message_for(ADMIN)
    assert '(send "force": true to replace it;' in edited.message_for(API)
    summary = Summary.of([changed, edited])
    assert summary.line_for(ADMIN) == (
        "0 created, 0 updated, 0 unchanged, 0 failed, "
        "1 changed and left alone (tick “Replace changed stories” to replace), "
        "1 edited and left alone (tick “Replace edited stories too” to replace)"
    )


def test_a_draft_or_scheduled_story_never_points_at_its_public_page(club):
    draft = import_story(data=STORY, source_name="a.txt", status=Article.Status.DRAFT)
    later = import_story(data=STORY.replace("2024-03-01", "2099-03-01"), source_name="b.txt")
    assert draft.message == (
        f"a.txt: created “Szoboszlai stars again” → /admin/articles/article/{draft.pk}/change/"
    )
    assert later.message == (
        f"b.txt: created “Szoboszlai stars again” → /admin/articles/article/{later.pk}/change/"
    )
    assert (draft.public_url, later.public_url) == ("", "")


def test_a_second_file_with_the_same_story_is_a_duplicate(in_folder, club):
    Path("01-good.txt").write_text(STORY)
    Path("08-good-copy.txt").write_text(STORY.replace("twice", "three times"))
    out, err, code = run(".", "-v", "2")
    assert out.splitlines() == [
        f"01-good.txt: created “Szoboszlai stars again” → {URL}",
        "1 created, 0 updated, 0 unchanged, 1 failed",
    ]
    assert err == "08-good-copy.txt: duplicate of 01-good.txt (same date and headline); skipped\n"
    assert code == 1
    assert Article.objects.get().body == "Szoboszlai scored twice."


def test_update_never_flips_a_story_between_two_files(in_folder, club):
    Path("01-good.txt").write_text(STORY)
    Path("08-good-copy.txt").write_text(STORY.replace("twice", "three times"))
    run(".")
    runs = []
    for _ in range(3):
        runs.append((*run(".", "--update", "-v", "2"), Article.objects.get().body))
    assert (
        runs
        == [
            (
                "01-good.txt: unchanged “Szoboszlai stars again” → /news/szoboszlai-stars-again/\n"
                "0 created, 0 updated, 1 unchanged, 1 failed\n",
                "08-good-copy.txt: duplicate of 01-good.txt (same date and headline); skipped\n",
                1,
                "Szoboszlai scored twice.",
            )
        ]
        * 3
    )
    assert Revision.objects.of(Article.objects.get()).count() == 1


def test_dry_run_shows_duplicates_and_refusals_and_writes_nothing(edited):
    Path("09-copy.txt").write_text(STORY)
    Path("10-new.txt").write_text(STORY.replace("2024-03-01", "2024-03-08"))
    revisions = Revision.objects.count()
    out, err, code = run(".", "--update", "--dry-run", "-v", "2")
    assert out.splitlines() == [
        REFUSED,
        "10-new.txt: created “Szoboszlai stars again”",
        "dry run, nothing written: 1 created, 0 updated, 0 unchanged, 1 failed, "
        "1 edited and left alone (use --force to replace)",
    ]
    assert err == "09-copy.txt: duplicate of 08-good.txt (same date and headline); skipped\n"
    assert code == 1
    out, _, _ = run(".", "--force", "--dry-run")
    assert out.splitlines()[0] == (
        "08-good.txt: updated “Szoboszlai stars again”, replacing the edit by Alice Smith on "
        f"1 December 2026, 12:03:00 (the edited text stays in its revisions) → {URL}"
    )
    assert (Article.objects.count(), Revision.objects.count()) == (1, revisions)
    assert Article.objects.get().standfirst == "A fixed standfirst"


def test_only_a_changed_story_costs_a_query_more(club, tmp_path, django_assert_num_queries):
    for number in range(1, 4):
        (tmp_path / f"{number}.txt").write_text(STORY.replace("01", f"0{number}"))
    sources, _ = collect_sources([str(tmp_path)])
    list(import_stories(sources))
    with django_assert_num_queries(UNCHANGED_QUERIES):
        assert {r.outcome for r in import_stories(sources)} == {Outcome.UNCHANGED}
    for source in sources:
        source.path.write_text(source.path.read_text() + "\n\nMore.")
    with django_assert_num_queries(UNCHANGED_QUERIES + 3):
        assert {r.outcome for r in import_stories(sources)} == {Outcome.CHANGED}
