"""Whole-response cache for anonymous GETs, kept current by the content version.

The outermost middleware: a copy is served without running any other middleware or view,
with the headers the whole stack gave it when it was rendered (security headers, CSP,
ETag). Public pages carry no CSP nonce (their one inline style is allowed by its hash), so
a stored copy is the same for every visitor; a response that used a nonce is never stored.

An entry is filed under its URL (scheme, host, full path, method) and remembers the version
it was rendered under. An entry of the current version is served. When the version has
moved, one request (the one that takes the URL's lock in the cache) renders the page again
while the others are served the previous copy, but only for
FANPORTAL_PAGE_CACHE_STALE_SECONDS after the version moved; later, or with no copy at all, a
request renders for itself. So a change costs one render per page instead of a stampede.

Requests with a session cookie or an Authorization header (editors, API clients with a
token) always go down to the view.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.context_processors import csp
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from pagecache.versioning import Version, current

NOT_CACHED_PREFIXES = ("/admin/", "/healthz")
# Headers that belong to one response only.
PER_RESPONSE_HEADERS = {"set-cookie", "x-page-cache"}
TIMEOUT = 24 * 60 * 60  # an upper bound: entries are replaced when the version moves
# How long a render may hold a URL's lock: a holder that dies frees it this late, but past the
# stale window nobody waits for it anyway.
LOCK_SECONDS = 30
STALE_SECONDS = 2  # unless settings.FANPORTAL_PAGE_CACHE_STALE_SECONDS says otherwise
# A cache of this name, if configured, keeps copies in the process in front of a shared cache
# (Redis): a hit then costs no round trip (entries carry their version, so a local copy is
# never served for a version it was not rendered under).
LOCAL = "pagecache-local"


@dataclass(frozen=True)
class Entry:
    """A stored response and the content version it was rendered under."""

    version: int
    status: int
    content: bytes
    headers: dict[str, str]


def carries_credentials(request: HttpRequest) -> bool:
    """Whether the request could act as a user: it has a session cookie or an API token."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META


def signed_in(request: HttpRequest) -> bool:
    """Whether the request acted as a user. Without a session cookie or an API token nobody
    did, and no session needs loading to know it."""
    if not carries_credentials(request):
        return False
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def page_key(request: HttpRequest) -> str:
    """The cache key of the request's page; the lock's is this plus ":lock"."""
    url = f"{request.method}:{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"page:{hashlib.sha256(url.encode()).hexdigest()}"


class PageCacheMiddleware:
    """Responses say where they came from in `X-Page-Cache`: `hit` (the current version's
    copy), `stale` (the previous copy, while another request renders) or `miss` (rendered
    for this request)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # Static files and media are served by whitenoise and the web server, not cached here.
        self.not_cached = (*NOT_CACHED_PREFIXES, settings.STATIC_URL, settings.MEDIA_URL)
        self.local = caches[LOCAL] if LOCAL in settings.CACHES else None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.cacheable_request(request):
            response = self.get_response(request)
            if signed_in(request):
                patch_cache_control(response, private=True, no_store=True)
            return response
        key = page_key(request)
        version = current()
        entry = self.lookup(key, version)
        if entry is not None and entry.version == version.value:
            return self.replay(entry, request, "hit")
        locked = False
        if entry is not None:
            # An older (or, after a database restore, unknown) version's copy.
            locked = cache.add(f"{key}:lock", True, LOCK_SECONDS)
            if not locked and self.within_stale_window(version):
                return self.replay(entry, request, "stale")
        try:
            return self.render(request, key, version)
        finally:
            if locked:
                cache.delete(f"{key}:lock")

    def render(self, request: HttpRequest, key: str, version: Version) -> HttpResponse:
        # The clock is read before the view reads it: if this clock has reached the moment the
        # version moved, so has the view's.
        caught_up = version.changed_at is None or timezone.now() >= version.changed_at
        response = self.get_response(request)
        # The copy is filed under the version read before rendering: newer content under an
        # older version is only rendered again, never the reverse. A clock behind the one
        # that moved the version could render a scheduled story's pages without it, so such
        # a render is not kept.
        self.mark_shared(response)
        if caught_up and self.cacheable_response(response, request):
            entry = self.entry(response, version)
            cache.set(key, entry, TIMEOUT)
            if self.local is not None:
                self.local.set(key, entry, TIMEOUT)
        response["X-Page-Cache"] = "miss"
        return response

    def lookup(self, key: str, version: Version) -> Entry | None:
        """The stored copy: this process's own if it is of the current version, else the
        shared cache's (kept here too when it is current)."""
        if self.local is not None:
            entry = self.local.get(key)
            if entry is not None and entry.version == version.value:
                return entry
        entry = cache.get(key)
        if self.local is not None and entry is not None and entry.version == version.value:
            self.local.set(key, entry, TIMEOUT)
        return entry

    def within_stale_window(self, version: Version) -> bool:
        if version.changed_at is None:
            return False
        seconds = getattr(settings, "FANPORTAL_PAGE_CACHE_STALE_SECONDS", STALE_SECONDS)
        return timezone.now() - version.changed_at <= dt.timedelta(seconds=seconds)

    def cacheable_request(self, request: HttpRequest) -> bool:
        if not settings.FANPORTAL_PAGE_CACHE or request.method not in ("GET", "HEAD"):
            return False
        if request.path.startswith(self.not_cached):
            return False
        return not carries_credentials(request)

    def cacheable_response(self, response: HttpResponse, request: HttpRequest) -> bool:
        if response.status_code != 200 or response.streaming or response.has_header("Set-Cookie"):
            return False
        if csp(request)["csp_nonce"]:
            return False  # a nonce is for one response only
        cache_control = response.get("Cache-Control", "")
        return "private" not in cache_control and "no-store" not in cache_control

    def entry(self, response: HttpResponse, version: Version) -> Entry:
        headers = {
            name: value
            for name, value in response.headers.items()
            if name.lower() not in PER_RESPONSE_HEADERS
        }
        return Entry(version.value, response.status_code, response.content, headers)

    def replay(self, entry: Entry, request: HttpRequest, source: str) -> HttpResponse:
        etag = entry.headers.get("ETag")
        if etag and etag in request.headers.get("If-None-Match", "").split(", "):
            response: HttpResponse = HttpResponseNotModified()
            for name in ("ETag", "Cache-Control", "Vary"):
                if name in entry.headers:
                    response[name] = entry.headers[name]
        else:
            response = HttpResponse(entry.content, status=entry.status, headers=entry.headers)
        response["X-Page-Cache"] = source
        return response

    def mark_shared(self, response: HttpResponse) -> None:
        # Browsers and proxies revalidate every time (with the ETag): the server's cache is
        # what is fast, and only it knows when content changed.
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ["Cookie", "Authorization"])
