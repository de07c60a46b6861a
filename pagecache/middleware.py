"""Whole-response cache for anonymous GETs, kept current by the content version.

An entry is filed under its URL (host, full path, method) and remembers the version it was
rendered under. An entry of the current version is served. When the version has moved, one
request (the one that takes the URL's lock in the cache) renders the page again while the
others are served the previous copy, but only for FANPORTAL_PAGE_CACHE_STALE_SECONDS after
the version moved; later, or with no copy at all, a request renders for itself. So a change
costs one render per page instead of a stampede, and nobody sees a copy older than the
window once the change is that old.

Logged-in users (and API clients with a token) always get fresh responses. A cached HTML page
carries the CSP nonce it was rendered with; every hit swaps in the request's own nonce, so
no two responses share one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.context_processors import csp
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from pagecache.versioning import Version, current

NOT_CACHED_PREFIXES = ("/admin/", "/healthz")
# Headers set again for every response by this middleware or the ones outside it.
PER_RESPONSE_HEADERS = {
    "content-security-policy",
    "content-security-policy-report-only",
    "set-cookie",
    "x-page-cache",
}
TIMEOUT = 24 * 60 * 60  # an upper bound: entries are replaced when the version moves
# How long a render may hold a URL's lock: a holder that dies frees it this late, but past the
# stale window nobody waits for it anyway.
LOCK_SECONDS = 30
STALE_SECONDS = 2  # unless settings.FANPORTAL_PAGE_CACHE_STALE_SECONDS says otherwise


@dataclass(frozen=True)
class Entry:
    """A stored response and the content version it was rendered under."""

    version: int
    status: int
    content: bytes
    headers: tuple[tuple[str, str], ...]
    nonce: str | None


def signed_in(request: HttpRequest) -> bool:
    """Whether the request acts as a user. Without a session cookie or an API token nobody
    is, and no session needs loading to know it."""
    if (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    ):
        return False
    return request.user.is_authenticated


def page_key(request: HttpRequest) -> str:
    """The cache key of the request's page; the lock's is this plus ":lock"."""
    url = f"{request.method}:{request.get_host()}{request.get_full_path()}"
    return f"page:{hashlib.sha256(url.encode()).hexdigest()}"


class PageCacheMiddleware:
    """Responses say where they came from in `X-Page-Cache`: `hit` (the current version's
    copy), `stale` (the previous copy, while another request renders) or `miss` (rendered
    for this request)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.cacheable_request(request):
            response = self.get_response(request)
            if signed_in(request):
                patch_cache_control(response, private=True, no_store=True)
            return response
        key = page_key(request)
        version = current()
        entry = cache.get(key)
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
        if caught_up and self.cacheable_response(response):
            cache.set(key, self.entry(response, request, version), TIMEOUT)
        self.mark_shared(response, "miss")
        return response

    def within_stale_window(self, version: Version) -> bool:
        if version.changed_at is None:
            return False
        seconds = getattr(settings, "FANPORTAL_PAGE_CACHE_STALE_SECONDS", STALE_SECONDS)
        return timezone.now() - version.changed_at <= dt.timedelta(seconds=seconds)

    def cacheable_request(self, request: HttpRequest) -> bool:
        if not settings.FANPORTAL_PAGE_CACHE or request.method not in ("GET", "HEAD"):
            return False
        if request.path.startswith(NOT_CACHED_PREFIXES) or "HTTP_AUTHORIZATION" in request.META:
            return False
        return not signed_in(request)

    def cacheable_response(self, response: HttpResponse) -> bool:
        if response.status_code != 200 or response.streaming or response.has_header("Set-Cookie"):
            return False
        cache_control = response.get("Cache-Control", "")
        return "private" not in cache_control and "no-store" not in cache_control

    def entry(self, response: HttpResponse, request: HttpRequest, version: Version) -> Entry:
        # The documented way to the request's nonce is the csp context processor. A nonce
        # nobody read is false, and then the page carries none.
        nonce = csp(request)["csp_nonce"]
        headers = tuple(
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in PER_RESPONSE_HEADERS
        )
        return Entry(
            version.value,
            response.status_code,
            response.content,
            headers,
            str(nonce) if nonce else None,
        )

    def replay(self, entry: Entry, request: HttpRequest, source: str) -> HttpResponse:
        content = entry.content
        if entry.nonce:
            # Reading the request's nonce makes the CSP middleware put it in the header.
            content = content.replace(entry.nonce.encode(), str(csp(request)["csp_nonce"]).encode())
        response = HttpResponse(content, status=entry.status)
        for name, value in entry.headers:
            response[name] = value
        self.mark_shared(response, source)
        return response

    def mark_shared(self, response: HttpResponse, source: str) -> None:
        # Browsers and proxies revalidate every time: the server's cache is what is fast, and
        # only it knows when content changed.
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ["Cookie", "Authorization"])
        response["X-Page-Cache"] = source
