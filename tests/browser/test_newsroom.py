"""The admin as an editor and as a contributor, in real headless Chromium (strict CSP on)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from articles.models import Article
from articles.roles import ensure_roles
from tests.browser.test_pages import SHOTS, browser  # noqa: F401  (the shared browser)

# serialized_rollback: a transactional test flushes the database afterwards, which would also
# remove what migrations create (the newsroom groups) for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "a-long-newsroom-password"


@pytest.fixture
def desk(browser, live_server, club):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("response", lambda r: r.status >= 400 and page.errors.append(f"{r.status} {r.url}"))

    # The groups come from a migration; in this greenlet-driven test the transactional
    # test machinery can leave them out, so make sure of them.
    ensure_roles()

    def login(username: str, group: str):
        user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        page.goto(live_server.url + "/admin/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/admin/")
        return page

    yield login
    context.close()


def write(page, live_server, title: str) -> None:
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Body").fill("Kelleher kept a clean sheet in the FA Cup.")


def test_editor_writes_publishes_and_sees_it_live(desk, live_server):
    page = desk("editor", "Editors")
    write(page, live_server, "Kelleher keeps another clean sheet")
    page.get_by_label("Status").select_option("published")
    page.screenshot(path=SHOTS / "admin-editor-form.png", full_page=True)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/articles/article/")
    page.screenshot(path=SHOTS / "admin-editor-list.png", full_page=True)
    assert (
        page.locator("#result_list")
        .get_by_role("link", name="Kelleher keeps another clean sheet")
        .is_visible()
    )
    assert page.errors == [], page.errors
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert sorted(article.players.values_list("slug", flat=True)) == ["caoimhin-kelleher"]
    page.goto(live_server.url + article.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == "Kelleher keeps another clean sheet"


def test_contributor_writes_a_draft_and_previews_it(desk, live_server):
    page = desk("junior", "Contributors")
    write(page, live_server, "Transfer rumour round-up")
    assert page.get_by_label("Status").count() == 0  # read-only for contributors
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url("**/change/")
    page.get_by_role("link", name="See it as it will look on the site").click()
    page.wait_for_url("**/preview/")
    assert (
        "Preview · Draft · the public cannot see this yet"
        in page.get_by_role("status").inner_text()
    )
    page.screenshot(path=SHOTS / "admin-contributor-preview.png", full_page=True)
    assert page.errors == [], page.errors
    assert Article.objects.get().status == Article.Status.DRAFT
