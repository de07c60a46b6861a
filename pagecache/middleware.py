"""Whole-response cache for anonymous GETs, invalidated by the content version.

Logged-in users (and API clients with a token) always get fresh responses. A cached HTML page
carries the CSP nonce it was rendered with; every hit swaps in the request's own nonce, so
no two responses share one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from pagecache.versioning import current

NOT_CACHED_PREFIXES = ("/admin/", "/healthz")
# Headers set again for every response by the middleware outside this one.
PER_RESPONSE_HEADERS = {"content-security-policy", "content-security-policy-report-only", "set-cookie"}
TIMEOUT = 24 * 60 * 60  # entries also die with the content version, long before this


@dataclass(frozen=True)
class Entry:
    status: int
    content: bytes
    headers: tuple[tuple[str, str], ...]
    nonce: str | None


def signed_in(request: HttpRequest) -> bool:
    """Whether the request acts as a user. Without a session cookie or an API token nobody
    is, and no session needs loading to know it."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and "HTTP_AUTHORIZATION" not in request.META:
        return False
    return request.user.is_authenticated


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.cacheable_request(request):
            response = self.get_response(request)
            if signed_in(request):
                patch_cache_control(response, private=True, no_store=True)
            return response
        key = self.key(request)
        entry = cache.get(key)
        if entry is not None:
            return self.replay(entry, request)
        response = self.get_response(request)
        if self.cacheable_response(response):
            cache.set(key, self.entry(response, request), TIMEOUT)
        self.mark_shared(response)
        return response

    def cacheable_request(self, request: HttpRequest) -> bool:
        if not settings.FANPORTAL_PAGE_CACHE or request.method not in ("GET", "HEAD"):
            return False
        if request.path.startswith(NOT_CACHED_PREFIXES) or "HTTP_AUTHORIZATION" in request.META:
            return False
        return not signed_in(request)

    def key(self, request: HttpRequest) -> str:
        url = f"{request.method}:{request.get_host()}{request.get_full_path()}"
        return f"page:{current()}:{hashlib.sha256(url.encode()).hexdigest()}"

    def cacheable_response(self, response: HttpResponse) -> bool:
        if response.status_code != 200 or response.streaming or response.has_header("Set-Cookie"):
            return False
        cache_control = response.get("Cache-Control", "")
        return "private" not in cache_control and "no-store" not in cache_control

    def entry(self, response: HttpResponse, request: HttpRequest) -> Entry:
        nonce = getattr(request, "_csp_nonce", None)
        headers = tuple(
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in PER_RESPONSE_HEADERS
        )
        return Entry(response.status_code, response.content, headers, str(nonce) if nonce else None)

    def replay(self, entry: Entry, request: HttpRequest) -> HttpResponse:
        content = entry.content
        if entry.nonce:
            # Reading the request's nonce makes the CSP middleware put it in the header.
            content = content.replace(entry.nonce.encode(), str(request._csp_nonce).encode())
        response = HttpResponse(content, status=entry.status)
        for name, value in entry.headers:
            response[name] = value
        self.mark_shared(response)
        return response

    def mark_shared(self, response: HttpResponse) -> None:
        # Browsers and proxies revalidate every time: the server's cache is what is fast, and
        # only it knows when content changed.
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ["Cookie", "Authorization"])
