"""The article form keeps unsaved text in the browser (static/js/article-form.js), in real
headless Chromium under the admin's strict CSP: a closed tab or a crash loses nothing, Discard
and a successful save drop the draft, a refused save keeps it, and leaving with changes asks.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User

from articles.models import Article, Tag
from articles.roles import ensure_roles
from tests.browser.test_pages import AXE, SHOTS, browser  # noqa: F401  (the shared browser)

# serialized_rollback: a transactional test flushes the database afterwards, which would also
# remove what migrations create (the newsroom groups) for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-newsroom-password"
ADD = "/admin/articles/article/add/"
DRAFTS = "article-form:draft:"
TITLE = "Kelleher signs a new deal"
PARAGRAPH = "Caoimhín Kelleher has signed a new contract that keeps him at the club until 2029."
LONDON = ZoneInfo("Europe/London")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def newsroom(browser, live_server, club):  # noqa: F811
    """open_context(storage_state=None) -> a logged-in editor's browser context; its pages
    collect console errors (CSP violations included), page errors and failed responses in
    `page.errors`, and beforeunload dialogs in `page.dialogs`."""
    ensure_roles()  # see tests/browser/test_newsroom.py
    user = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    contexts = []

    def open_context(storage_state=None, viewport=DESKTOP, color_scheme="light"):
        context = browser.new_context(
            viewport=viewport,
            locale="en-GB",
            timezone_id="Europe/London",
            color_scheme=color_scheme,
            storage_state=storage_state,
        )
        context.base_url = live_server.url
        contexts.append(context)
        if storage_state is None:
            page = new_page(context)
            page.goto(live_server.url + "/admin/login/")
            page.get_by_label("Username").fill("editor")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/admin/")
            page.close()
        return context

    yield open_context
    for context in contexts:
        context.close()


def new_page(context):
    page = context.new_page()
    page.errors = []
    page.dialogs = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("response", lambda r: r.status >= 400 and page.errors.append(f"{r.status} {r.url}"))
    return page


def open_form(context, path: str = ADD):
    page = new_page(context)
    response = page.goto(context.base_url + path)
    assert response.status == 200
    return page


def type_story(page, title: str = TITLE, paragraph: str = PARAGRAPH) -> None:
    """As a person does: click into a field and type (keystrokes count as user activation,
    which Chromium wants before it shows a beforeunload dialog)."""
    page.get_by_label("Title").click()
    page.keyboard.type(title)
    page.get_by_label("Body").click()
    page.keyboard.type(paragraph)


def stored_drafts(page) -> dict:
    return page.evaluate(
        """prefix => Object.fromEntries(Object.keys(localStorage)
            .filter(key => key.startsWith(prefix))
            .map(key => [key.slice(prefix.length), JSON.parse(localStorage.getItem(key))]))""",
        DRAFTS,
    )


def wait_for_draft(page, key: str, name: str, value: str) -> dict:
    """Until the debounced autosave has stored `value` for the field `name` under `key`."""
    page.wait_for_function(
        """([key, name, value]) => {
            const draft = JSON.parse(localStorage.getItem(key) || "null");
            return draft !== null && (draft.values[name] || []).includes(value);
        }""",
        arg=[DRAFTS + key, name, value],
    )
    return stored_drafts(page)[key]


def to_the_list(page) -> None:
    page.locator('.breadcrumbs a[href$="/admin/articles/article/"]').click()


def notice_text(saved_at_ms: int) -> str:
    saved = dt.datetime.fromtimestamp(saved_at_ms / 1000, tz=LONDON)
    return f"Restored your unsaved changes from {saved.day} {saved:%B}, {saved:%H:%M}."


def notice(page):
    return page.get_by_role("status").filter(has_text="unsaved changes")


def assert_restored(page, draft: dict) -> None:
    assert page.get_by_label("Title").input_value() == TITLE
    assert page.get_by_label("Slug").input_value() == "kelleher-signs-a-new-deal"
    assert page.get_by_label("Body").input_value() == PARAGRAPH
    status = notice(page)
    assert status.inner_text() == notice_text(draft["savedAt"]) + " Discard"
    assert status.get_by_role("button", name="Discard").is_visible()


def axe_violations(page, selector: str) -> list[str]:
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async selector => (await axe.run(selector, {resultTypes: ['violations']}))
            .violations.map(v => v.impact + ' ' + v.id)""",
        selector,
    )


def test_a_closed_tab_loses_nothing(newsroom):
    context = newsroom()
    page = open_form(context)
    type_story(page)
    draft = wait_for_draft(page, ADD, "body", PARAGRAPH)
    assert draft["submittedAt"] is None
    assert "csrfmiddlewaretoken" not in draft["values"]
    assert "image" not in draft["values"]  # a file input
    assert "initial-published_at_0" in draft["values"]  # hidden inputs are kept
    page.close()  # no beforeunload, as when a tab is closed from the outside

    page = open_form(context)
    assert_restored(page, draft)
    assert page.errors == [], page.errors
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "admin-autosave-restored.png")
    assert axe_violations(page, ".article-form-draft") == []


def test_a_tab_closed_mid_sentence_loses_nothing(newsroom):
    # Closed before the autosave's pause: the draft is written as the page goes away.
    context = newsroom()
    page = open_form(context)
    page.get_by_label("Title").click()
    page.keyboard.type("Kelleher sig")
    page.close()
    page = open_form(context)
    assert page.get_by_label("Title").input_value() == "Kelleher sig"
    assert notice(page).is_visible()


def test_undoing_every_change_leaves_no_draft_and_nothing_to_ask(newsroom):
    context = newsroom()
    page = open_form(context)
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_label("Title").click()
    page.keyboard.type("K")
    wait_for_draft(page, ADD, "title", "K")
    page.keyboard.press("Backspace")
    page.wait_for_function("key => localStorage.getItem(key) === null", arg=DRAFTS + ADD)
    to_the_list(page)
    page.wait_for_url("**/admin/articles/article/")
    assert page.dialogs == []
    assert page.errors == [], page.errors


def test_a_crash_loses_nothing(newsroom):
    context = newsroom()
    page = open_form(context)
    type_story(page)
    draft = wait_for_draft(page, ADD, "body", PARAGRAPH)
    on_disk = context.storage_state()  # what the browser had written when it died
    context.close()

    for viewport, name in [(PHONE, "phone"), (DESKTOP, "dark")]:
        scheme = "dark" if name == "dark" else "light"
        revived = newsroom(storage_state=on_disk, viewport=viewport, color_scheme=scheme)
        page = open_form(revived)
        assert_restored(page, draft)
        assert page.errors == [], page.errors
        page.screenshot(path=SHOTS / f"admin-autosave-restored-{name}.png")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"]
        box = notice(page).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]


def test_discard_puts_back_what_the_server_sent_and_deletes_the_draft(newsroom):
    context = newsroom()
    page = open_form(context)
    type_story(page)
    wait_for_draft(page, ADD, "body", PARAGRAPH)
    page.close()

    page = open_form(context)
    discard = notice(page).get_by_role("button", name="Discard")
    discard.focus()
    page.keyboard.press("Enter")  # keyboard operable
    assert page.get_by_label("Title").input_value() == ""
    assert page.get_by_label("Slug").input_value() == ""
    assert page.get_by_label("Body").input_value() == ""
    assert notice(page).inner_text() == "Discarded your unsaved changes."
    assert page.evaluate("document.activeElement.id") == "id_title"
    assert stored_drafts(page) == {}
    page.screenshot(path=SHOTS / "admin-autosave-discarded.png")

    page.reload()
    assert notice(page).count() == 0
    assert page.get_by_label("Title").input_value() == ""
    assert page.errors == [], page.errors


@pytest.mark.parametrize(
    ("button", "lands_on"),
    [
        ("Save", r"/admin/articles/article/$"),
        ("Save and continue editing", r"/admin/articles/article/\d+/change/$"),
        ("Save and add another", r"/admin/articles/article/add/$"),
    ],
)
def test_a_successful_save_drops_the_draft(newsroom, button, lands_on):
    context = newsroom()
    page = open_form(context)
    type_story(page)
    wait_for_draft(page, ADD, "body", PARAGRAPH)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url(re.compile(lands_on))
    assert page.locator("ul.messagelist li.success").is_visible()
    assert Article.objects.get().title == TITLE
    assert stored_drafts(page) == {}
    assert notice(page).count() == 0
    assert page.dialogs == []

    again = open_form(context)
    assert notice(again).count() == 0
    assert again.get_by_label("Title").input_value() == ""
    assert page.errors == again.errors == [], page.errors + again.errors


def test_a_refused_save_keeps_the_draft_without_a_notice(newsroom):
    context = newsroom()
    page = open_form(context)
    page.get_by_label("Body").click()
    page.keyboard.type(PARAGRAPH)  # no title: the form is refused
    wait_for_draft(page, ADD, "body", PARAGRAPH)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("load")
    assert page.locator(".errornote").is_visible()
    assert notice(page).count() == 0  # the page already shows the text that was sent
    assert page.get_by_label("Body").input_value() == PARAGRAPH
    draft = stored_drafts(page)[ADD]
    assert draft["submittedAt"] is None
    assert draft["values"]["body"] == [PARAGRAPH]

    # Still unsaved: leaving asks, and a closed tab still finds the text again.
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.type), dialog.dismiss()))
    to_the_list(page)
    page.wait_for_timeout(300)
    assert page.dialogs == ["beforeunload"]
    assert page.url.endswith(ADD)
    page.close()
    page = open_form(context)
    assert page.get_by_label("Body").input_value() == PARAGRAPH

    page.get_by_label("Title").click()
    page.keyboard.type(TITLE)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/articles/article/")
    assert stored_drafts(page) == {}
    assert page.errors == [], page.errors


def test_the_change_form_has_its_own_draft(newsroom):
    context = newsroom()
    page = open_form(context)
    type_story(page, title="Old headline", paragraph="Old text.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url("**/change/")
    article = Article.objects.get()
    change = f"/admin/articles/article/{article.pk}/change/"
    page.close()
    page = open_form(context, change)
    page.get_by_label("Title").fill("")
    page.get_by_label("Title").click()
    page.keyboard.type("New headline")
    wait_for_draft(page, change, "title", "New headline")
    page.close()

    assert open_form(context, ADD).get_by_label("Title").input_value() == ""
    page = open_form(context, change)
    assert page.get_by_label("Title").input_value() == "New headline"
    assert notice(page).is_visible()
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(f"**{change}")
    assert page.locator("ul.messagelist li.success").is_visible()
    assert stored_drafts(page) == {}
    assert notice(page).count() == 0
    article.refresh_from_db()
    assert article.title == "New headline"
    assert page.errors == [], page.errors


def test_a_draft_of_an_older_version_is_refused_not_saved_over_a_newer_one(newsroom):
    context = newsroom()
    page = open_form(context)
    type_story(page, title="Old headline", paragraph="Old text.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url("**/change/")
    change = f"/admin/articles/article/{Article.objects.get().pk}/change/"
    if page.locator('input[name="base_version"]').count() == 0:
        pytest.skip("the article form carries no base_version yet")
    page.get_by_label("Body").click()
    page.keyboard.press("End")
    page.keyboard.type(" Mine.")
    wait_for_draft(page, change, "body", "Old text. Mine.")
    page.close()

    # Someone else, in another browser, saves first.
    other = open_form(newsroom(), change)
    other.get_by_label("Title").fill("Their headline")
    other.get_by_role("button", name="Save and continue editing").click()
    other.wait_for_url(f"**{change}")

    page = open_form(context, change)
    assert page.get_by_label("Body").input_value() == "Old text. Mine."
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("load")
    assert page.locator(".errornote").is_visible()
    assert notice(page).count() == 0
    assert Article.objects.get().title == "Their headline"
    assert stored_drafts(page)[change]["values"]["body"] == ["Old text. Mine."]
    assert page.errors == other.errors == [], page.errors + other.errors


def test_hidden_fields_checkboxes_and_multiple_choices_round_trip(newsroom):
    """Whatever fields the form gains: a hidden base_version comes back as the draft had it
    (so the server can refuse a draft based on an old version), ticks and choices too."""
    Tag.objects.create(name="Contracts", slug="contracts")
    context = newsroom()
    served = {"version": "3"}

    def with_probes(route):
        response = route.fetch()
        probes = (
            f'<input type="hidden" name="base_version" value="{served["version"]}">'
            '<input type="checkbox" name="probe_flag" value="yes" id="probe_flag">'
            '<label for="probe_flag">Probe flag</label>'
            '<select multiple name="probe_many" id="probe_many" aria-label="Probe many">'
            '<option value="a">A</option><option value="b">B</option>'
            '<option value="c">C</option></select>'
        )
        # The form's own base_version (if it has one yet) gives way to the probe's.
        html = re.sub(r'<input type="hidden" name="base_version"[^>]*>', "", response.text())
        html = re.sub(r'(<form [^>]*id="article_form"[^>]*>)', r"\1" + probes, html, count=1)
        route.fulfill(response=response, body=html)

    context.route(f"**{ADD}", with_probes)
    page = open_form(context)
    # Tags: an autocomplete select, which only carries what has been chosen.
    page.locator(".field-tags .select2-selection").click()
    page.keyboard.type("Contr")
    page.locator(".select2-results__option", has_text="Contracts").click()
    page.get_by_label("Probe flag").check()
    page.get_by_label("Probe many").select_option(["a", "c"])
    page.get_by_label("Title").click()
    page.keyboard.type(TITLE)
    draft = wait_for_draft(page, ADD, "title", TITLE)
    assert draft["values"]["base_version"] == ["3"]
    assert draft["values"]["probe_flag"] == ["yes"]
    assert draft["values"]["probe_many"] == ["a", "c"]
    assert len(draft["values"]["tags"]) == 1
    page.close()

    served["version"] = "4"  # someone else saved meanwhile
    page = open_form(context)
    assert page.locator('input[name="base_version"]').input_value() == "3"
    assert page.get_by_label("Probe flag").is_checked()
    assert page.locator("#probe_many").evaluate(
        "select => Array.from(select.selectedOptions, o => o.value)"
    ) == ["a", "c"]
    assert (
        page.locator("#id_tags").evaluate(
            "select => Array.from(select.selectedOptions, o => o.value)"
        )
        == draft["values"]["tags"]
    )
    assert "Contracts" in page.locator(".field-tags .select2-selection").inner_text()

    notice(page).get_by_role("button", name="Discard").click()
    assert page.locator('input[name="base_version"]').input_value() == "4"
    assert not page.get_by_label("Probe flag").is_checked()
    assert page.locator("#id_tags").evaluate("select => select.selectedOptions.length") == 0
    assert "Contracts" not in page.locator(".field-tags .select2-selection").inner_text()

    # Unticking is a change too, and comes back unticked.
    page.get_by_label("Probe flag").check()
    page.get_by_label("Title").click()
    page.keyboard.type("x")
    wait_for_draft(page, ADD, "title", "x")
    page.get_by_label("Probe flag").uncheck()
    page.wait_for_function(
        "key => JSON.parse(localStorage.getItem(key)).values.probe_flag.length === 0",
        arg=DRAFTS + ADD,
    )
    assert page.errors == [], page.errors


def test_leaving_with_unsaved_changes_asks_first(newsroom):
    context = newsroom()
    page = open_form(context)
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.type), dialog.dismiss()))

    # Nothing changed: no question.
    page.get_by_label("Title").click()
    to_the_list(page)
    page.wait_for_url("**/admin/articles/article/")
    assert page.dialogs == []

    page.goto(context.base_url + ADD)
    type_story(page)
    to_the_list(page)
    page.wait_for_timeout(300)
    assert page.dialogs == ["beforeunload"]  # dismissed: the form stays
    assert page.url.endswith(ADD)
    assert page.get_by_label("Title").input_value() == TITLE

    # Saving does not ask, nor does leaving what was just saved.
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url("**/change/")
    assert page.dialogs == ["beforeunload"]
    page.get_by_label("Body").click()
    to_the_list(page)
    page.wait_for_url("**/admin/articles/article/")
    assert page.dialogs == ["beforeunload"]

    # Closing a tab with changes asks too.
    page.goto(context.base_url + ADD)
    type_story(page, title="Another story")
    page.close(run_before_unload=True)
    page.wait_for_timeout(300)
    assert page.dialogs == ["beforeunload", "beforeunload"]
    assert not page.is_closed()  # dismissed
    assert page.errors == [], page.errors
