"""Relinking after a change to the squad, in real headless Chromium under the admin's strict
CSP: an editor adds a player or an alias in the admin, is told the stories that may mention
them are being relinked, and the public pages link them at once (tasks run immediately in
tests, so the relink has happened by the time the admin's redirect lands); a player picked
by hand in a story's "Also about" field stays linked through a relink.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from articles.models import Article
from articles.roles import ensure_roles
from players.models import Player
from tests.browser.test_pages import SHOTS, browser  # noqa: F401  (the shared browser)

# serialized_rollback: a transactional test flushes the database afterwards, which would also
# remove what migrations create (the newsroom groups) for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-newsroom-password"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CHIESA_NOTICE = "Relinking articles that may mention Federico Chiesa."


def watch(page):
    """Collect console errors (CSP violations included), page errors and 4xx/5xx in
    `page.errors`."""
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("response", lambda r: r.status >= 400 and page.errors.append(f"{r.status} {r.url}"))
    return page


@pytest.fixture
def editor(browser, live_server, club):  # noqa: F811
    """A logged-in editor's page at 1280 px; `editor.context` opens more pages."""
    ensure_roles()  # see tests/browser/test_newsroom.py
    user = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = watch(context.new_page())
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    yield page
    context.close()


def info_messages(page) -> list[str]:
    return [text.strip() for text in page.locator("ul.messagelist li.info").all_inner_texts()]


def body_link(page, name: str):
    return page.locator(".story__body").get_by_role("link", name=name, exact=True)


def change_aliases(page, live_server, player: Player, aliases: str) -> None:
    page.goto(f"{live_server.url}/admin/players/player/{player.pk}/change/")
    page.get_by_label("Aliases").fill(aliases)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/players/player/")


def test_a_new_player_links_the_stories_that_name_him(editor, live_server, make_article):
    page = editor
    story = make_article(title="Late change at Anfield", body="Chiesa came off the bench.")
    assert not story.players.exists()

    page.goto(live_server.url + "/admin/players/player/add/")
    page.get_by_label("Name:", exact=True).fill("Federico Chiesa")
    page.get_by_label("Aliases").fill("Chiesa")
    page.get_by_label("Position").select_option("forward")
    page.get_by_label("Shirt number").fill("14")
    page.get_by_label("Nationality").fill("Italy")
    # The slug is filled from the name by the admin's own script.
    assert page.get_by_label("Slug").input_value() == "federico-chiesa"
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/players/player/")

    assert info_messages(page) == [CHIESA_NOTICE]
    page.locator("ul.messagelist").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "admin-relink-notice.png", full_page=True)
    chiesa = Player.objects.get(slug="federico-chiesa")
    assert list(story.players.all()) == [chiesa]

    page.goto(live_server.url + story.get_absolute_url())
    assert body_link(page, "Chiesa").get_attribute("href") == "/squad/federico-chiesa/"
    chips = page.locator(".story__mentions").get_by_role("link", name="Federico Chiesa")
    assert chips.get_attribute("href") == "/squad/federico-chiesa/"

    for suffix, viewport in (("", DESKTOP), ("-phone", PHONE)):
        page.set_viewport_size(viewport)
        response = page.goto(live_server.url + "/squad/federico-chiesa/")
        assert response.status == 200
        page.wait_for_load_state("load")
        assert page.get_by_role("heading", level=1).inner_text() == "Federico Chiesa"
        news = page.locator("section[aria-labelledby=news-heading]")
        assert news.get_by_role("heading", name="News about Federico Chiesa").is_visible()
        assert news.get_by_role("link", name="Late change at Anfield").first.is_visible()
        assert news.locator(".empty").count() == 0
        page.screenshot(path=SHOTS / f"player-page-after-relink{suffix}.png", full_page=True)
    assert page.errors == [], page.errors


def test_a_new_alias_links_the_stories_that_use_it(editor, live_server, make_article):
    page = editor
    mac_allister = Player.objects.get(slug="alexis-mac-allister")
    story = make_article(title="Control in the middle", body="Macca ran the midfield.")
    untouched = make_article(title="Mac Allister scores", body="Mac Allister scored twice.")
    assert not story.players.exists()
    assert list(untouched.players.all()) == [mac_allister]

    page.goto(f"{live_server.url}/admin/players/player/{mac_allister.pk}/change/")
    assert page.get_by_label("Aliases").input_value() == "Mac Allister"
    page.get_by_label("Aliases").fill("Mac Allister\nMacca")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/players/player/")
    assert info_messages(page) == ["Relinking articles that may mention Alexis Mac Allister."]

    assert list(story.players.all()) == [mac_allister]
    page.goto(live_server.url + story.get_absolute_url())
    assert body_link(page, "Macca").get_attribute("href") == "/squad/alexis-mac-allister/"
    page.goto(live_server.url + untouched.get_absolute_url())
    assert body_link(page, "Mac Allister").get_attribute("href") == ("/squad/alexis-mac-allister/")
    page.goto(live_server.url + "/squad/alexis-mac-allister/")
    news = page.locator("section[aria-labelledby=news-heading]")
    assert news.get_by_role("link", name="Control in the middle").first.is_visible()
    assert page.errors == [], page.errors


def test_a_player_picked_by_hand_stays_linked_through_a_relink(editor, live_server, make_article):
    page = editor
    salah = Player.objects.get(slug="mohamed-salah")
    # The story never names him: the editor adds him by hand in "Also about".
    picked = make_article(title="The Egyptian King's week", body="Our number eleven shone.")
    # A story that names him only by the alias the editor is about to remove: its link goes,
    # which shows the relink ran (removing a name relinks every story linked to him).
    by_alias = make_article(title="Mo's magic", body="Mo Salah scored.")
    assert list(by_alias.players.all()) == [salah]

    page.goto(f"{live_server.url}/admin/articles/article/{picked.pk}/change/")
    field = page.locator(".field-picked_players")
    assert field.get_by_text("Also about (players and staff)").is_visible()
    field.locator(".select2-selection").click()
    field.locator(".select2-search__field").fill("Salah")
    page.locator(".select2-results__option", has_text="Mohamed Salah").click()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/articles/article/")
    assert list(picked.picked_players.all()) == [salah]
    assert list(picked.players.all()) == [salah]

    change_aliases(page, live_server, salah, "Salah")  # "Mo Salah" goes
    assert info_messages(page) == ["Relinking articles that may mention Mohamed Salah."]

    picked.refresh_from_db()
    by_alias.refresh_from_db()
    assert list(picked.players.all()) == [salah]  # kept by the relink
    assert list(picked.picked_players.all()) == [salah]
    # "Mo Salah" is no longer a name, yet "Salah" alone is, so that story still links him:
    # but only as "Salah".
    page.goto(live_server.url + by_alias.get_absolute_url())
    assert body_link(page, "Salah").get_attribute("href") == "/squad/mohamed-salah/"
    assert body_link(page, "Mo Salah").count() == 0

    page.goto(live_server.url + picked.get_absolute_url())
    assert body_link(page, "Mohamed Salah").count() == 0  # the text does not name him
    chip = page.locator(".story__mentions").get_by_role("link", name="Mohamed Salah")
    assert chip.get_attribute("href") == "/squad/mohamed-salah/"
    page.goto(live_server.url + "/squad/mohamed-salah/")
    news = page.locator("section[aria-labelledby=news-heading]")
    assert news.get_by_role("link", name="The Egyptian King's week").first.is_visible()
    assert page.errors == [], page.errors
    assert Article.objects.filter(players=salah).count() == 2
