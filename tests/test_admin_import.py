"""The admin's "Import stories" page, used by a real editor with CSRF checks on."""

from __future__ import annotations

import datetime as dt
import html
import re
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from articles.models import Article
from revisions.models import Revision, Via
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db

URL = "/admin/articles/article/import/"
PASSWORD = "a-long-editor-password"
LONDON = ZoneInfo("Europe/London")
STORY = b"date 2024-03-01 Szoboszlai stars again\n\nA short standfirst\n\nSzoboszlai scored twice."


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def logged_in(username: str, *permissions: str, group: str | None = None) -> Client:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    if group:
        user.groups.add(Group.objects.get(name=group))
    client = Client(enforce_csrf_checks=True)
    login_page = client.get("/admin/login/").content.decode()
    response = client.post(
        "/admin/login/",
        {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf_token(login_page),
            "next": "/admin/",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    return client


@pytest.fixture
def editor(club) -> Client:
    return logged_in("editor", group="Editors")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/plain")


def rows(page: str) -> list[dict]:
    """The results table: each row's file, outcome, details (as text) and links."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [
            " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        file, outcome, _story, details = cells
        links = re.findall(r'href="([^"]+)"', row)
        found.append({"file": file, "outcome": outcome, "details": details, "links": links})
    return found


def post(client: Client, files: list[SimpleUploadedFile], **fields: str):
    token = csrf_token(client.get(URL).content.decode())
    return client.post(
        URL, {"files": files, "status": "published", "csrfmiddlewaretoken": token, **fields}
    )


def test_editor_imports_several_files_and_sees_each_outcome(editor):
    seed = SEEDS / "003_b453b6c647e06dae.txt"
    response = post(
        editor,
        [
            upload(seed.name, seed.read_bytes()),
            upload("bad.txt", b"date 2024-02-30 Nope\n\nBody."),
            upload("photo.jpg", b"\xff\xd8\xff"),
        ],
    )
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "1 created, 0 updated, 0 unchanged, 2 failed" in page
    assert "bad.txt:1: impossible date 2024-02-30 (day is out of range for month)" in page
    assert "photo.jpg: not a .txt story file" in page
    article = Article.objects.get()
    assert rows(page)[0]["links"] == [
        f"/admin/articles/article/{article.pk}/change/",
        "/news/liverpool-celebrated-in-style-after-defeating-chelsea-in-the-carabao-cup-final/",
    ]
    assert article.source_name == seed.name
    assert article.players.filter(slug="trent-alexander-arnold").exists()


def test_a_batch_with_bad_files_imports_the_good_ones_and_names_each_bad_one(editor):
    response = post(
        editor,
        [
            upload("01-good.txt", STORY),
            upload("empty.txt", b""),
            upload("notes.md", b"date 2024-03-02 Notes\n\nBody."),
            upload("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
            upload("02-good.txt", STORY.replace(b"2024-03-01", b"2024-03-02")),
            upload("08-good-copy.txt", STORY.replace(b"twice", b"three times")),
        ],
    )
    page = response.content.decode()
    assert "The submitted file is empty." not in page
    assert "2 created, 0 updated, 0 unchanged, 4 failed" in page
    assert [(row["file"], row["outcome"], row["details"]) for row in rows(page)] == [
        ("01-good.txt", "created", "01-good.txt: created “Szoboszlai stars again”"),
        ("empty.txt", "failed", "empty.txt: empty file"),
        ("notes.md", "failed", "notes.md: not a .txt story file"),
        ("binary.txt", "failed", "binary.txt:3: binary data (a NUL byte), not a text story"),
        ("02-good.txt", "created", "02-good.txt: created “Szoboszlai stars again”"),
        (
            "08-good-copy.txt",
            "failed",
            "08-good-copy.txt: duplicate of 01-good.txt (same date and headline); skipped",
        ),
    ]
    assert sorted(Article.objects.values_list("source_name", "body")) == [
        ("01-good.txt", "Szoboszlai scored twice."),
        ("02-good.txt", "Szoboszlai scored twice."),
    ]


def test_only_live_stories_link_to_their_public_page(editor):
    published = post(
        editor,
        [upload("live.txt", STORY), upload("later.txt", STORY.replace(b"2024", b"2099"))],
    )
    drafts = post(
        editor, [upload("draft.txt", STORY.replace(b"2024-03-01", b"2024-03-05"))], status="draft"
    )
    by_name = {article.source_name: article for article in Article.objects.all()}
    pages = [published.content.decode(), drafts.content.decode()]
    links = [row["links"] for page in pages for row in rows(page)]
    assert links == [
        [
            f"/admin/articles/article/{by_name['live.txt'].pk}/change/",
            "/news/szoboszlai-stars-again/",
        ],
        [f"/admin/articles/article/{by_name['later.txt'].pk}/change/"],
        [f"/admin/articles/article/{by_name['draft.txt'].pk}/change/"],
    ]


def test_an_edit_in_the_admin_is_replaced_only_with_the_second_box(club, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 11, 0, tzinfo=LONDON), tick=False)
    editor = logged_in("alice", group="Editors")
    User.objects.filter(username="alice").update(first_name="Alice", last_name="Smith")
    post(editor, [upload("08-good.txt", STORY)])
    article = Article.objects.get()

    time_machine.move_to(dt.datetime(2026, 12, 1, 12, 3, tzinfo=LONDON), tick=False)
    change_url = f"/admin/articles/article/{article.pk}/change/"
    token = csrf_token(editor.get(change_url).content.decode())
    saved = editor.post(
        change_url,
        {
            "title": article.title,
            "slug": article.slug,
            "standfirst": "A fixed standfirst",
            "body": article.body,
            "base_version": str(article.version),
            "status": "published",
            "published_at_0": "2024-03-01",
            "published_at_1": "00:00:00",
            "author": article.author,
            "csrfmiddlewaretoken": token,
        },
    )
    assert saved.status_code == HTTPStatus.FOUND, saved.content.decode()

    time_machine.move_to(dt.datetime(2026, 12, 1, 12, 30, tzinfo=LONDON), tick=False)
    changed = STORY + b"\n\nA new paragraph."
    refused = post(editor, [upload("08-good.txt", changed)], update="on").content.decode()
    assert (
        "0 created, 0 updated, 0 unchanged, 0 failed, 1 edited and left alone "
        "(tick “Replace edited stories too” to replace)"
    ) in refused
    [row] = rows(refused)
    assert (row["outcome"], row["details"]) == (
        "edited",
        "08-good.txt: not replaced: “Szoboszlai stars again” was edited by Alice Smith on "
        "1 December 2026, 12:03:00 since it was imported (tick “Replace edited stories too” to "
        "replace it; the edited text stays in its revisions)",
    )
    assert row["links"] == [
        change_url,
        "/news/szoboszlai-stars-again/",
        f"/admin/articles/article/{article.pk}/history/",
    ]
    assert Article.objects.get().standfirst == "A fixed standfirst"

    replaced = post(editor, [upload("08-good.txt", changed)], force="on").content.decode()
    assert "0 created, 1 updated, 0 unchanged, 0 failed" in replaced
    assert rows(replaced)[0]["details"] == (
        "08-good.txt: updated “Szoboszlai stars again”, replacing the edit by Alice Smith on "
        "1 December 2026, 12:03:00 (the edited text stays in its revisions)"
    )
    article = Article.objects.get()
    assert (article.standfirst, article.body) == (
        "A short standfirst",
        "Szoboszlai scored twice.\n\nA new paragraph.",
    )
    edit = Revision.objects.of(article).get(source=Via.ADMIN)
    assert (edit.author, edit.data["standfirst"]) == ("Alice Smith", "A fixed standfirst")


def test_a_changed_story_names_the_form_s_box(editor):
    post(editor, [upload("a.txt", STORY)])
    page = post(editor, [upload("a.txt", STORY + b"\n\nMore.")]).content.decode()
    assert (
        "0 created, 0 updated, 0 unchanged, 0 failed, 1 changed and left alone "
        "(tick “Replace changed stories” to replace)"
    ) in page
    assert rows(page)[0]["details"] == (
        "a.txt: changed since it was imported; left alone "
        "(tick “Replace changed stories” to replace it)"
    )
    assert "--update" not in page and "--force" not in page
    assert '<label for="id_update">Replace changed stories:</label>' in page
    assert '<label for="id_force">Replace edited stories too:</label>' in page


def test_dry_run_from_the_admin_changes_nothing(editor):
    response = post(editor, [upload("a.txt", b"date 2024-03-01 Title\n\nBody.")], dry_run="on")
    assert (
        "Dry run, nothing was changed: 1 created, 0 updated, 0 unchanged, 0 failed"
        in response.content.decode()
    )
    assert Article.objects.count() == 0


def test_posting_without_a_csrf_token_is_refused(editor):
    response = editor.post(URL, {"files": [upload("a.txt", b"date 2024-03-01 T\n\nBody.")]})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Article.objects.count() == 0


def test_staff_without_article_permissions_get_403(club):
    client = logged_in("viewer", "view_article")
    assert client.get(URL).status_code == HTTPStatus.FORBIDDEN


def test_the_article_list_links_to_the_import_page(editor):
    assert f'href="{URL}"' in editor.get("/admin/articles/article/").content.decode()


def test_the_form_requires_a_file(editor):
    token = csrf_token(editor.get(URL).content.decode())
    response = editor.post(URL, {"status": "published", "csrfmiddlewaretoken": token})
    assert "This field is required." in response.content.decode()


def test_contributors_import_drafts_only(club):
    contributor = logged_in("junior", group="Contributors")
    page = contributor.get(URL).content.decode()
    assert 'value="published"' not in page
    assert 'name="update"' not in page and 'name="force"' not in page
    response = post(
        contributor, [upload("a.txt", b"date 2024-03-01 Title\n\nBody.")], status="draft"
    )
    assert "1 created" in response.content.decode()
    assert Article.objects.get().status == Article.Status.DRAFT
    crafted = post(
        contributor, [upload("b.txt", b"date 2024-03-02 Other\n\nBody.")], status="published"
    )
    assert "Select a valid choice." in crafted.content.decode()
    assert Article.objects.count() == 1
