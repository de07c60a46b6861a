"""Pieces every app's API router shares: error schemas, input hygiene, pagination, headers.

A leaf package (like `images`): the apps import it, it imports none of them.
"""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator

MAX_PAGE = 100
SLUG_PATTERN = r"^[-a-zA-Z0-9_]{1,255}$"


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


def responses(ok: dict[int, Any], *codes: int) -> dict[int, Any]:
    """An operation's documented responses: its successes plus the errors it can give."""
    errors = {code: (ValidationErrorOut if code == 422 else ErrorOut) for code in codes}
    return {**ok, **errors, 429: ErrorOut}


def _clean_text(value: str) -> str:
    # NUL cannot be stored (PostgreSQL refuses it) and lone surrogates cannot be encoded:
    # both are input errors, answered with 422, never a server error.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


Text = Annotated[str, AfterValidator(_clean_text)]


def aware(moment: dt.datetime) -> dt.datetime:
    """A client's datetime in the site's time zone; a naive one is taken as local time."""
    try:
        if timezone.is_naive(moment):
            return timezone.make_aware(moment)
        return moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise HttpError(400, f"{moment.isoformat()} is out of range.") from None


class Pagination(LimitOffsetPagination):
    """Limit/offset with a page of at most 100 and an offset a database can hold."""

    class Input(Schema):
        limit: int = Field(20, ge=1, le=MAX_PAGE, description=f"Items per page (1–{MAX_PAGE}).")
        offset: int = Field(0, ge=0, le=10_000_000, description="Items to skip.")


def last_modified(response: HttpResponse, moment: dt.datetime | None) -> None:
    """Let clients revalidate with If-Modified-Since (ConditionalGetMiddleware answers 304)."""
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())
