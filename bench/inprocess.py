"""In-process timings for `make bench`, run in a child process set up for the site.

`python -m bench.inprocess < spec.json`, with DJANGO_SETTINGS_MODULE and DATABASE_URL in the
environment (and FANPORTAL_PAGE_CACHE=0 for cold pages). The spec is
`{"pages": {name: url}, "repeat": 200, "seconds": 10}` for pages or
`{"search": {kind: [words, ...]}, "rounds": 3}` for search; `{"prepare": true}` readies a
freshly imported site (a tag on a fifth of the stories, an editor for the API) and names the
pages to visit; `{"fill": count}` writes that many generated articles for search;
`{"recompute": rounds}` times a result entered through the match save path, table and all;
`{"seasons": [[slug, first day, last day], ...]}` adds Premier League seasons;
`{"import_matches": [path, competition, season]}` times a match import. Every
request goes through the
site's whole WSGI stack (middleware, URL resolver, view, template), called in this process
with a built environ, so the figures hold no network or server time. The result is printed as
one line, `RESULT {json}`.
"""

from __future__ import annotations

import io
import json
import statistics
import sys
import time
import traceback
from collections.abc import Callable, Iterable

Application = Callable[..., Iterable[bytes]]


def environ(url: str) -> dict[str, object]:
    path, _, query = url.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_USER_AGENT": "fanportal-bench",
        "HTTP_ACCEPT": "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8",
        "HTTP_ACCEPT_ENCODING": "identity",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def request(application: Application, url: str) -> tuple[int, int]:
    """One GET through the WSGI application: the status and the size of the body read."""
    statuses: list[str] = []

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        statuses.append(status)

    body = application(environ(url), start_response)
    try:
        size = sum(len(chunk) for chunk in body)
    finally:
        if hasattr(body, "close"):
            body.close()
    return int(statuses[0].split()[0]), size


def ms(nanoseconds: float) -> float:
    return round(nanoseconds / 1e6, 3)


def warm(application: Application, url: str) -> dict:
    """Five requests to warm up (imports, compiled templates, the connection), then one whose
    queries are counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        status, size = request(application, url)
        if status != 200:
            return {"url": url, "status": status, "error": f"answered {status}"}
    with CaptureQueriesContext(connection) as seen:
        request(application, url)
    # Now: the captured queries are a slice of the connection's log, which the next request
    # empties.
    return {"url": url, "status": 200, "bytes": size, "queries": len(seen)}


def pages(spec: dict) -> dict:
    """Every page `repeat` times, in rounds (one request to each page per round), so that
    whatever else the machine does is spread over all pages alike; a page that has taken
    `seconds` in all stops early, with 20 requests at least."""
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    results: dict[str, dict] = {}
    for name, url in spec["pages"].items():
        try:
            results[name] = warm(application, url)
        except Exception as error:  # a page the app cannot build yet is reported, not fatal
            traceback.print_exc()
            results[name] = {"url": url, "status": 0, "error": f"{type(error).__name__}: {error}"}
    working = {name: page["url"] for name, page in results.items() if "error" not in page}
    times: dict[str, list[int]] = {name: [] for name in working}
    spent = dict.fromkeys(working, 0)
    active = dict(working)
    rounds = 0
    while active and rounds < spec.get("repeat", 200):
        rounds += 1
        for name, url in list(active.items()):
            start = time.perf_counter_ns()
            try:
                status, _ = request(application, url)
            except Exception as error:
                status = 0
                results[name]["error"] = f"{type(error).__name__}: {error}"
            taken = time.perf_counter_ns() - start
            times[name].append(taken)
            spent[name] += taken
            if status != 200:
                results[name].setdefault("error", f"answered {status} after {rounds} requests")
                results[name]["status"] = status
                del active[name], working[name]
            elif rounds >= 20 and spent[name] > spec.get("seconds", 10) * 1e9:
                del active[name]  # a slow page stops at its share of time, with 20 at least
    for name in working:
        ordered = sorted(times[name])
        results[name].update(
            {
                "requests": len(ordered),
                "best_ms": ms(ordered[0]),
                "median_ms": ms(statistics.median(ordered)),
                "p90_ms": ms(ordered[max(0, int(len(ordered) * 0.9) - 1)]),
                "max_ms": ms(ordered[-1]),
            }
        )
    return results


def search(spec: dict) -> dict:
    """The search mix, each query answered as the search page answers it: the engine alone
    (count and the first ten hits) and the whole page through WSGI."""
    from urllib.parse import quote_plus

    from django.core.wsgi import get_wsgi_application

    from articles.search import Results

    application = get_wsgi_application()
    mix = [words for kind in spec["search"].values() for words in kind]
    for words in mix:  # warm
        Results(words).count()
        request(application, f"/search/?q={quote_plus(words)}")
    engine: list[float] = []
    page: list[float] = []
    slowest = ("", 0.0)
    for _ in range(spec.get("rounds", 3)):
        for words in mix:
            start = time.perf_counter_ns()
            results = Results(words)
            results.count()
            results[0:10]
            engine.append(time.perf_counter_ns() - start)
            start = time.perf_counter_ns()
            status, _ = request(application, f"/search/?q={quote_plus(words)}")
            page.append(time.perf_counter_ns() - start)
            if status != 200:
                return {"error": f"/search/?q={words} answered {status}"}
            if page[-1] > slowest[1]:
                slowest = (words, page[-1])
    return {
        "queries": len(page),
        "median_ms": ms(statistics.median(page)),
        "max_ms": ms(max(page)),
        "slowest_query": slowest[0],
        "engine_median_ms": ms(statistics.median(engine)),
        "engine_max_ms": ms(max(engine)),
    }


def prepare(spec: dict) -> dict:
    """Tag every fifth story, make the API's editor; the slugs the pages are built from."""
    from django.contrib.auth import get_user_model

    from articles.models import Article, Tag
    from matches.models import Match
    from players.models import Player
    from trophies.models import Trophy

    tag, _ = Tag.objects.get_or_create(slug="match-reports", defaults={"name": "Match reports"})
    published = Article.objects.published()
    ids = list(published.values_list("pk", flat=True))
    Article.tags.through.objects.bulk_create(
        [Article.tags.through(article_id=pk, tag_id=tag.pk) for pk in ids[::5]],
        ignore_conflicts=True,
    )
    users = get_user_model()
    if not users.objects.filter(username=spec["editor"]).exists():
        users.objects.create_superuser(spec["editor"], "bench@example.invalid", None)
    player = Player.objects.filter(slug="virgil-van-dijk").first() or Player.objects.first()
    trophy = Trophy.objects.filter(slug="league-cup").first() or Trophy.objects.first()
    slugs = {
        "article": published[len(ids) // 2].slug if ids else None,
        "tag": tag.slug,
        "player": player.slug if player else None,
        "trophy": trophy.slug if trophy else None,
        "articles": len(ids),
    }
    # The club's latest result: a match page with events and its reports.
    match = (
        Match.objects.of_club().filter(status=Match.Status.FINISHED).order_by("-kickoff").first()
        or Match.objects.first()
    )
    slugs["match"] = match.slug if match else None
    slugs["matches"] = Match.objects.count()
    return slugs


def fill(spec: dict) -> dict:
    """`count` published articles for the search benchmark, written with bulk_create (no
    save(), so nothing is rendered; the search index follows in the database itself)."""
    from articles.models import Article
    from bench.stories import search_articles

    created = 0
    batch: list[Article] = []
    for fields in search_articles(spec["fill"]):
        batch.append(Article(status=Article.Status.PUBLISHED, **fields))
        if len(batch) == 2000:
            created += len(Article.objects.bulk_create(batch))
            batch = []
    created += len(Article.objects.bulk_create(batch))
    return {"articles": created}


def import_matches(spec: dict) -> dict:
    """`import_matches PATH --competition C --season S`, timed from the command's call."""
    from django.core.management import call_command

    path, competition, season = spec["import_matches"]
    start = time.perf_counter()
    call_command(
        "import_matches", path, competition=competition, season=season, stdout=io.StringIO()
    )
    return {"seconds": round(time.perf_counter() - start, 2)}


def seasons(spec: dict) -> dict:
    """The Premier League seasons the match import is benched on, where the demo lacks them
    (it has 2023–24): `{"seasons": [["2022-23", "2022-08-01", "2023-06-30"], ...]}`."""
    import datetime as dt

    from matches.models import Competition, Season

    league = Competition.objects.get(slug="premier-league")
    made = []
    for slug, starts, ends in spec["seasons"]:
        _, created = Season.objects.get_or_create(
            competition=league,
            slug=slug,
            defaults={
                "name": slug.replace("-", "–"),
                "starts_on": dt.date.fromisoformat(starts),
                "ends_on": dt.date.fromisoformat(ends),
            },
        )
        if created:
            made.append(slug)
    return {"created": made}


def recompute(spec: dict) -> dict:
    """A result changed through matches.services.match_save, as the admin saves it: the row,
    the season's table recomputed and stored, the revision. Alternates the score of the
    season's last finished league match, so every round changes the table; puts it back."""
    from matches.models import Competition, Match
    from matches.services import match_save
    from revisions.models import Actor, Via

    match = (
        Match.objects.filter(
            status=Match.Status.FINISHED, season__competition__kind=Competition.Kind.LEAGUE
        )
        .select_related("season")
        .order_by("-kickoff")
        .first()
    )
    if match is None or match.home_score is None:
        return {"measured": False}
    original = match.home_score
    # Once untimed: a server compiles the templates the stored table is rendered with once.
    match.home_score = original + 2
    match_save(match=match, actor=Actor(Via.ADMIN, note="make bench"))
    spent = []
    for round_ in range(spec["recompute"]):
        match.home_score = original + 1 + round_ % 2
        start = time.perf_counter_ns()
        match_save(match=match, actor=Actor(Via.ADMIN, note="make bench"))
        spent.append(time.perf_counter_ns() - start)
    match.home_score = original
    match_save(match=match, actor=Actor(Via.ADMIN, note="make bench"))
    return {
        "measured": True,
        "matches": match.season.matches.count(),
        "median_ms": ms(statistics.median(spent)),
        "max_ms": ms(max(spent)),
    }


def main() -> None:
    import django

    spec = json.loads(sys.stdin.read())
    django.setup()
    if "search" in spec:
        result = search(spec)
    elif "prepare" in spec:
        result = prepare(spec)
    elif "fill" in spec:
        result = fill(spec)
    elif "recompute" in spec:
        result = recompute(spec)
    elif "seasons" in spec:
        result = seasons(spec)
    elif "import_matches" in spec:
        result = import_matches(spec)
    else:
        result = pages(spec)
    sys.stdout.write("RESULT " + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
