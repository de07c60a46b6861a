"""What a fan sees, in real headless Chromium: content, no console errors, no serious or
critical accessibility violations (axe-core), and screenshots at phone and desktop widths.

Needs Debian's chromium and `npm ci` (axe-core); `.ci/run` installs both. Without them these
tests skip, unless FANPORTAL_REQUIRE_BROWSER is set (CI), when they fail instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

# serialized_rollback: a transactional test flushes the database afterwards, which would also
# remove what migrations create (the newsroom groups) for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CHROMIUM = "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(settings.BASE_DIR) / "screenshots"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
SEED_003 = "/news/liverpool-celebrated-in-style-after-defeating-chelsea-in-the-carabao-cup-final/"
HEADLINE_003 = "Liverpool celebrated in style after defeating Chelsea in the Carabao Cup final"


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return "no axe-core (npm ci)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "no playwright package"
    return None


@pytest.fixture(scope="module")
def browser():
    if reason := _missing():
        if os.environ.get("FANPORTAL_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests required but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own database work
    # (fixtures) is still synchronous, so Django's async-safety guard must stand aside.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(params=list(WIDTHS))
def page(request, browser):
    width, height = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("response", lambda r: r.status >= 400 and page.errors.append(f"{r.status} {r.url}"))
    page.width_name = request.param
    yield page
    context.close()


def visit(page, url: str, name: str) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    check(page, name)


def check(page, name: str) -> None:
    """No console errors (CSP violations included), axe clean, and a screenshot."""
    page.wait_for_load_state("load")
    assert page.errors == [], page.errors
    page.evaluate(AXE.read_text())
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    assert found == [], found
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}-{page.width_name}.png", full_page=True)


def test_home(page, live_server, seeded):
    visit(page, live_server.url + "/", "home")
    assert page.get_by_role("link", name=HEADLINE_003).first.is_visible()
    assert page.get_by_role("heading", name="The squad").is_visible()
    assert page.get_by_role("link", name=re.compile("Virgil van Dijk")).first.is_visible()
    assert page.get_by_role("link", name=re.compile("League Cup")).first.is_visible()


def test_from_the_home_page_to_an_article_and_a_player(page, live_server, seeded):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=HEADLINE_003).first.click()
    page.wait_for_url(f"**{SEED_003}")
    check(page, "article")
    assert page.get_by_role("heading", level=1).inner_text() == HEADLINE_003
    body = page.locator(".story__body")
    assert body.get_by_role("link", name="Trent-Alexander Arnold").get_attribute("href") == (
        "/squad/trent-alexander-arnold/"
    )
    body.get_by_role("link", name="Virgil van Dijk").first.click()
    page.wait_for_url("**/squad/virgil-van-dijk/")
    check(page, "player")
    assert page.get_by_role("heading", level=1).inner_text() == "Virgil van Dijk"
    assert page.get_by_role("link", name=HEADLINE_003).is_visible()


def test_squad(page, live_server, seeded):
    visit(page, live_server.url + "/squad/", "squad")
    for heading in ["Goalkeepers", "Defenders", "Midfielders", "Forwards", "Manager and coaches"]:
        assert page.get_by_role("heading", name=heading).is_visible()
    assert page.get_by_role("link", name=re.compile("Caoimhín Kelleher")).is_visible()


def test_search_from_the_form(page, live_server, seeded):
    page.goto(live_server.url + "/search/")
    page.get_by_label("Search the news").fill("Kelleher")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=Kelleher")
    check(page, "search")
    assert page.get_by_role("status").inner_text() == "1 story for “Kelleher”"
    assert page.get_by_role("link", name=HEADLINE_003).is_visible()
    assert page.locator(".result mark").first.inner_text() == "Kelleher"


def test_trophy_and_cabinet(page, live_server, seeded):
    visit(page, live_server.url + "/trophies/", "cabinet")
    visit(page, live_server.url + "/trophies/league-cup/", "trophy")
    assert page.get_by_text("1–0 (after extra time)").is_visible()


def test_api_docs_page_renders_under_the_csp(page, live_server, seeded):
    page.goto(live_server.url + "/api/docs")
    page.get_by_text("/api/articles/{slug}").first.wait_for()
    assert page.errors == [], page.errors
    page.screenshot(path=SHOTS / f"api-docs-{page.width_name}.png", full_page=False)
