"""Two editors on one article, in real headless Chromium under the admin's strict CSP: the
one who saves second is refused, keeps their text and sees the difference, and nothing is
lost; the History page lists who changed what, compares two versions and restores one.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from articles.models import Article
from articles.roles import ensure_roles
from articles.services import article_save
from revisions.models import Actor, Revision, Via, when
from tests.browser.test_pages import AXE, SHOTS, browser  # noqa: F401  (the shared browser)

# serialized_rollback: a transactional test flushes the database afterwards, which would also
# remove what migrations create (the newsroom groups) for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-newsroom-password"
DRAFTS = "article-form:draft:"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
HEADING = "Not saved: someone else changed this article"

TITLE = "Salah settles the derby"
OLD_STANDFIRST = "A late goal at Anfield."
NEW_STANDFIRST = "Salah's late winner keeps Liverpool top after a derby of two halves."
OLD_BODY = (
    "Mohamed Salah scored in the 89th minute to win the derby.\n\n"
    "Everton had held out for most of the second half.\n\n"
    "Arne Slot praised the patience of his side after the match."
)
MINE = "Virgil van Dijk said the dressing room had never doubted that the goal would come."


@pytest.fixture
def newsroom(browser, live_server, club):  # noqa: F811
    """open_context(username) -> that editor's logged-in browser context; its pages collect
    console errors (CSP violations included), page errors and 4xx/5xx responses in
    `page.errors`. Every page opened is in `newsroom.pages`."""
    ensure_roles()  # see tests/browser/test_newsroom.py
    editors = Group.objects.get(name="Editors")
    for username in ("alice", "bob"):
        User.objects.create_user(username, password=PASSWORD, is_staff=True).groups.add(editors)
    contexts = []

    def open_context(username: str, viewport=DESKTOP, color_scheme="light"):
        context = browser.new_context(
            viewport=viewport,
            locale="en-GB",
            timezone_id="Europe/London",
            color_scheme=color_scheme,
        )
        context.base_url = live_server.url
        contexts.append(context)
        page = new_page(context)
        page.goto(live_server.url + "/admin/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/admin/")
        return context

    def new_page(context):
        page = context.new_page()
        page.errors = []
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("response", lambda r: r.status >= 400 and page.errors.append(f"{r.status} {r.url}"))
        open_context.pages.append(page)  # type: ignore[attr-defined]
        return page

    open_context.pages = []  # type: ignore[attr-defined]
    open_context.new_page = new_page  # type: ignore[attr-defined]
    yield open_context
    for context in contexts:
        context.close()


def errors_of(newsroom) -> list[str]:
    return [error for page in newsroom.pages for error in page.errors]


def published(via: Via, published_at: dt.datetime) -> Article:
    return article_save(
        article=Article(
            title=TITLE,
            slug="salah-settles-the-derby",
            standfirst=OLD_STANDFIRST,
            body=OLD_BODY,
            status=Article.Status.PUBLISHED,
            published_at=published_at,
        ),
        actor=Actor(via, note="derby.md" if via == Via.IMPORT else ""),
    )


@pytest.fixture
def story(club):
    """A published story, imported before either editor opens it (its first revision), with
    a publication time to the second, as a story file gives it."""
    return published(Via.IMPORT, timezone.now().replace(microsecond=0) - dt.timedelta(hours=2))


def lf(text: str) -> str:
    """The text with the line breaks that were typed, whatever a browser sent (CRLF): see
    test_a_save_that_leaves_the_body_alone_leaves_it_as_stored."""
    return text.replace("\r\n", "\n")


def local(revision: Revision) -> str:
    """A revision's time as the History page shows it: "1 December 2026, 13:00:38"."""
    return f"{timezone.localtime(revision.created_at):%-d %B %Y, %H:%M:%S}"


def change_url(article: Article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def open_form(newsroom, context, path: str):
    page = newsroom.new_page(context)
    response = page.goto(context.base_url + path)
    assert response.status == 200
    return page


def draft_of(page):
    """The autosaved draft of the page's own form, or None."""
    return page.evaluate(
        "key => JSON.parse(localStorage.getItem(key) || 'null')",
        DRAFTS + page.evaluate("location.pathname"),
    )


def sides(change) -> list[str]:
    """A diff's two texts: without its insertions (the old one) and without its deletions
    (the new one), and without the arrow between them when it shows them whole."""
    return change.evaluate(
        """dd => ["ins", "del"].map(left => {
            const copy = dd.cloneNode(true);
            copy.querySelectorAll(left).forEach(element => element.remove());
            return copy.textContent.replace("→", "").trim();
        })"""
    )


def axe_violations(page, selector: str) -> list[str]:
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async selector => (await axe.run(selector, {resultTypes: ['violations']}))
            .violations.map(v => v.impact + ' ' + v.id)""",
        selector,
    )


def fits(page, selector: str, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = page.locator(selector).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box


def both_edit(newsroom, story, shots: bool = False):
    """Alice and Bob open the story; Alice saves a new standfirst; Bob, from the page he had
    loaded before, adds a paragraph and is refused; he takes Alice's standfirst into his form
    and saves again. Returns Bob's page, on the article list."""
    url = change_url(story)
    alice_context, bob_context = newsroom("alice"), newsroom("bob")
    alice = open_form(newsroom, alice_context, url)
    bob = open_form(newsroom, bob_context, url)
    assert bob.locator('input[name="base_version"]').input_value() == "1"

    alice.get_by_label("Standfirst").fill(NEW_STANDFIRST)
    alice.get_by_role("button", name="Save", exact=True).click()
    alice.wait_for_url("**/admin/articles/article/")
    assert alice.locator("ul.messagelist li.success").is_visible()
    stored = Article.objects.get(pk=story.pk)
    assert (stored.standfirst, stored.version) == (NEW_STANDFIRST, 2)

    bob.get_by_label("Body").click()
    bob.keyboard.press("Control+End")
    bob.keyboard.type("\n\n" + MINE)
    bob.get_by_role("button", name="Save", exact=True).click()
    bob.wait_for_load_state("load")

    # Refused: Bob is shown who saved first, and when, and what saving his would change.
    assert bob.url.endswith(url)
    panel = bob.get_by_role("alert").filter(has_text=HEADING)
    assert panel.get_by_role("heading", level=2).inner_text() == HEADING
    latest = Revision.objects.of(story)[0]
    assert latest.user.username == "alice"
    assert (
        f"alice saved this article at {when(latest)}, after you opened it. "
        "Your text is still in the form and not saved."
    ) in panel.inner_text()
    # His form still has the old standfirst: saving it as it is would put that back.
    assert sides(panel.locator("dd.revision-standfirst")) == [NEW_STANDFIRST, OLD_STANDFIRST]
    assert panel.locator("dd.revision-body ins").all_inner_texts() == [MINE]
    assert panel.locator("dd.revision-body del").count() == 0
    assert panel.locator("dt").all_inner_texts() == ["Standfirst", "Body"]

    # Both texts survive: Alice's is stored, Bob's is still in his form (and in his browser).
    assert bob.get_by_label("Body").input_value() == OLD_BODY + "\n\n" + MINE
    assert bob.get_by_label("Standfirst").input_value() == OLD_STANDFIRST
    assert bob.locator('input[name="base_version"]').input_value() == "2"
    stored.refresh_from_db()
    assert (stored.standfirst, lf(stored.body), stored.version) == (NEW_STANDFIRST, OLD_BODY, 2)
    draft = draft_of(bob)
    assert draft is not None
    assert draft["values"]["body"] == [OLD_BODY + "\n\n" + MINE]
    assert draft["values"]["base_version"] == ["2"]

    if shots:
        screenshots_of_the_conflict(bob, panel)
        diff_follows_the_theme(bob)

    # Bob keeps Alice's standfirst and saves his paragraph: both changes are stored.
    bob.get_by_label("Standfirst").fill(NEW_STANDFIRST)
    bob.get_by_role("button", name="Save", exact=True).click()
    bob.wait_for_url("**/admin/articles/article/")
    assert bob.locator("ul.messagelist li.success").is_visible()
    stored.refresh_from_db()
    assert (stored.standfirst, lf(stored.body), stored.version) == (
        NEW_STANDFIRST,
        OLD_BODY + "\n\n" + MINE,
        3,
    )
    assert bob.evaluate("key => localStorage.getItem(key)", DRAFTS + url) is None
    return bob


def screenshots_of_the_conflict(page, panel) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "admin-conflict.png")
    page.emulate_media(color_scheme="dark")
    page.screenshot(path=SHOTS / "admin-conflict-dark.png")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(PHONE)
    # The top of the page, down to the end of the panel (the whole form is 4000 px long).
    bottom = panel.evaluate("panel => panel.getBoundingClientRect().bottom + window.scrollY")
    page.screenshot(
        path=SHOTS / "admin-conflict-phone.png",
        full_page=True,
        clip={"x": 0, "y": 0, "width": PHONE["width"], "height": bottom + 16},
    )
    fits(page, "section.conflict", PHONE["width"])
    assert axe_violations(page, "section.conflict") == []
    page.set_viewport_size(DESKTOP)


def diff_follows_the_theme(page) -> None:
    """<ins> and <del> take the admin's message colours in each theme, whether the system
    chooses it or the admin's own toggle (data-theme) does, against the system's choice."""
    for system, toggle in [
        ("light", "auto"),
        ("dark", "auto"),
        ("dark", "light"),
        ("light", "dark"),
    ]:
        page.emulate_media(color_scheme=system)
        colours = page.evaluate(
            """toggle => {
                document.documentElement.dataset.theme = toggle;
                const style = element => getComputedStyle(document.querySelector(element));
                const probe = document.createElement("span");
                document.body.append(probe);
                const colour = name => {
                    probe.style.backgroundColor = `var(${name})`;
                    return getComputedStyle(probe).backgroundColor;
                };
                const found = [
                    style("dd ins").backgroundColor, colour("--message-success-bg"),
                    style("dd del").backgroundColor, colour("--message-error-bg"),
                ];
                probe.remove();
                return found;
            }""",
            toggle,
        )
        assert colours[0] == colours[1] and colours[2] == colours[3], (system, toggle, colours)
    page.evaluate("document.documentElement.dataset.theme = 'auto'")
    page.emulate_media(color_scheme="light")


def test_the_second_editor_is_refused_keeps_his_text_and_saves_both(newsroom, story):
    both_edit(newsroom, story, shots=True)
    saves = list(Revision.objects.of(story))
    assert [r.user.username if r.user else r.source for r in saves] == ["bob", "alice", "import"]
    assert errors_of(newsroom) == [], errors_of(newsroom)


def test_history_lists_compares_and_restores(newsroom, story):
    page = both_edit(newsroom, story)
    history = f"/admin/articles/article/{story.pk}/history/"
    page.goto(page.context.base_url + change_url(story))
    page.get_by_role("link", name="History").click()
    page.wait_for_url(f"**{history}")
    rows = page.locator("#revision-list tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).locator("td").nth(1).inner_text() for i in range(3)] == [
        "bob via the admin",
        "alice via the admin",
        "the story import (derby.md)",
    ]
    summaries = [rows.nth(i).locator("td").nth(2).inner_text() for i in range(3)]
    # Van Dijk, whom Bob's paragraph names, is now linked.
    assert summaries[0] == "Changed body and linked people (current)"
    assert summaries[1] == "Changed standfirst"
    assert summaries[2] == "First version"
    assert "3 revisions, newest first" in page.locator("#revision-list caption").inner_text()

    # The oldest against the newest.
    rows.nth(2).get_by_label("from this version").check()
    rows.nth(0).get_by_label("to this version").check()
    page.get_by_role("button", name="Compare the two chosen versions").click()
    page.wait_for_load_state("load")
    compared = page.locator("section.revision-compare")
    revisions = list(Revision.objects.of(story))
    assert compared.get_by_role("heading").inner_text() == (
        f"What changed from {local(revisions[-1])} by the story import (derby.md) "
        f"to {local(revisions[0])} by bob"
    )
    assert compared.locator("dt").all_inner_texts() == [
        "Standfirst",
        "Body",
        "Linked people",
    ]
    assert compared.locator("dd.revision-players ins").all_inner_texts() == ["Virgil van Dijk"]
    assert compared.locator("dd.revision-body ins").all_inner_texts() == [MINE]
    assert sides(compared.locator("dd.revision-standfirst")) == [OLD_STANDFIRST, NEW_STANDFIRST]

    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "admin-history.png", full_page=True)
    page.emulate_media(color_scheme="dark")
    page.screenshot(path=SHOTS / "admin-history-dark.png", full_page=True)
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(PHONE)
    page.screenshot(path=SHOTS / "admin-history-phone.png", full_page=True)
    fits(page, ".revision-list-scroll", PHONE["width"])
    fits(page, "#revision-list", PHONE["width"])  # all of it, without scrolling sideways
    assert axe_violations(page, "#content") == []
    assert "{" not in page.locator("#content").inner_text()  # no template syntax shows
    page.set_viewport_size(DESKTOP)

    # One click puts the first version back, as a new revision.
    oldest = Revision.objects.of(story).reverse()[0]
    rows.nth(2).get_by_role("button", name="Restore this version").click()
    page.wait_for_url(f"**{change_url(story)}")
    message = page.locator("ul.messagelist li.success")
    assert message.inner_text().startswith(
        f"Restored the version of {when(oldest)} by the story import (derby.md)."
    )
    assert page.get_by_label("Standfirst").input_value() == OLD_STANDFIRST
    assert page.get_by_label("Body").input_value() == OLD_BODY
    page.screenshot(path=SHOTS / "admin-restored.png")
    stored = Article.objects.get(pk=story.pk)
    assert (stored.standfirst, lf(stored.body), stored.version) == (OLD_STANDFIRST, OLD_BODY, 4)
    revisions = list(Revision.objects.of(story))
    assert len(revisions) == 4
    assert (revisions[0].user.username, revisions[0].source) == ("bob", Via.RESTORE)
    assert revisions[0].data["body"] == OLD_BODY
    assert errors_of(newsroom) == [], errors_of(newsroom)


def alice_changes_the_standfirst(newsroom, story) -> list[str]:
    """Alice saves a new standfirst and nothing else; what the History page says of it."""
    page = open_form(newsroom, newsroom("alice"), change_url(story))
    page.get_by_label("Standfirst").fill(NEW_STANDFIRST)
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(f"**{change_url(story)}")
    page.get_by_role("link", name="History").click()
    page.wait_for_load_state("load")
    assert errors_of(newsroom) == [], errors_of(newsroom)
    return page.locator("#revision-list tbody tr td:nth-child(4)").all_inner_texts()


def test_a_save_that_leaves_the_body_alone_leaves_it_as_stored(newsroom, story):
    summaries = alice_changes_the_standfirst(newsroom, story)
    assert Article.objects.get(pk=story.pk).body == OLD_BODY
    assert summaries[0] == "Changed standfirst (current)"


def test_a_save_that_leaves_the_publication_time_alone_leaves_it_as_stored(newsroom, club):
    story = published(Via.API, timezone.now() - dt.timedelta(hours=2))
    stored_at = story.published_at
    summaries = alice_changes_the_standfirst(newsroom, story)
    # The form shows times to the second; what a reader sees of the time is unchanged.
    stored = Article.objects.get(pk=story.pk).published_at
    assert stored == stored_at.replace(microsecond=0)
    assert summaries[0] == "Changed standfirst (current)"
