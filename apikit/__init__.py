"""Pieces every app's API router shares: error schemas, input hygiene, pagination, headers,
and the strictness every operation gets: `StrictAPI` (a parameter given twice is a 422),
`StrictSchema` for request bodies, `StrictDateTime`, `QueryBool`, `Slug` and `omittable()`.

A leaf package (like `images`): the apps import it, it imports none of them.
"""

import datetime as dt
import re
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.http import http_date
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError, ValidationErrorContext
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser
from pydantic import BeforeValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

MAX_PAGE = 100
SLUG_PATTERN = r"^[-a-zA-Z0-9_]{1,255}$"
# The longest request line gunicorn reads (gunicorn.conf.py sets it; 8190 is gunicorn's
# ceiling). Every parameter the API takes has a bounded length, so every request the schema
# allows fits well inside it; only a request it refuses anyway can be longer (414).
MAX_REQUEST_LINE = 8190


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


def responses(ok: dict[int, Any], *codes: int) -> dict[int, Any]:
    """An operation's documented responses: its successes plus the errors it can give, and
    the two every operation can give: 414 (gunicorn's, for a request line longer than
    MAX_REQUEST_LINE bytes, which only parameters the API refuses anyway can make) and 429."""
    errors = {code: (ValidationErrorOut if code == 422 else ErrorOut) for code in codes}
    return {**ok, **errors, 414: None, 429: ErrorOut}


# NUL cannot be stored (PostgreSQL refuses it): a pattern, so that the schema says so and a
# NUL is a 422. Lone surrogates, which cannot be encoded, pydantic refuses itself.
NO_NUL_PATTERN = r"^[^\x00]*$"
Text = Annotated[str, Field(pattern=NO_NUL_PATTERN)]
"""Text from a client: any Unicode but NUL (give it a max_length where it is used)."""
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
"""A slug as a parameter or a body field: at most 255 ASCII letters, digits, `-` and `_`."""

# RFC 3339, the profile of ISO 8601 that OpenAPI's `date-time` means: a date, a time and an
# offset. Checked before pydantic parses, because pydantic's lax mode also takes a number
# (`since=0.5`) as seconds since 1970.
_RFC_3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
DATETIME_FORMAT = "must be an RFC 3339 date-time with an offset, such as 2024-02-25T15:00:00Z"
DATETIME_RANGE = "must be a real time, between the years 1 and 9999 in UTC"


def _rfc_3339(value: Any) -> dt.datetime:
    if not isinstance(value, str) or not _RFC_3339.fullmatch(value):
        raise PydanticCustomError("date_time_format", DATETIME_FORMAT)
    try:
        # The offset must leave a time a database can hold: 0001-01-01T00:00:00+01:00 is
        # before the year 1 in UTC.
        return dt.datetime.fromisoformat(value.upper()).astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise PydanticCustomError("date_time_range", DATETIME_RANGE) from None


StrictDateTime = Annotated[
    dt.datetime,
    BeforeValidator(_rfc_3339),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
"""A datetime parameter or body field: an RFC 3339 string only, never a number."""


def _true_or_false(value: Any) -> bool:
    # Lax pydantic takes 1, "yes", "on" and "t" too; the schema says boolean, so these two.
    if value in ("true", "false"):
        return value == "true"
    if isinstance(value, bool):
        return value
    raise PydanticCustomError("true_or_false", "must be true or false")


QueryBool = Annotated[bool, BeforeValidator(_true_or_false), WithJsonSchema({"type": "boolean"})]
"""A boolean query parameter: `true` or `false`, nothing else."""


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable(**field: Any) -> Any:
    """A PATCH field that may be left out but not sent as null: its default None marks it
    unset and is left out of the schema, so the schema and the 422 agree."""
    return Field(None, json_schema_extra=_without_default, **field)


class StrictSchema(Schema):
    """A request body: exactly the declared fields (an unknown one is a typo, answered with
    422) with exactly the declared JSON types (no "true" for true, no 0 for a date)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Repeated(list[str]):
    """The values of a query parameter that came more than once."""


class QueryParser(Parser):
    """Hands a parameter given more than once to validation as `Repeated`, which no
    single-valued parameter accepts; parameters declared as lists take their values as ever.
    Undeclared parameters are ignored as before, repeated or not."""

    def parse_querydict(
        self, data: MultiValueDict[str, str], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        for key in parsed:
            if key not in list_fields and len(values := data.getlist(key)) > 1:
                parsed[key] = Repeated(values)
        return parsed


class StrictAPI(NinjaAPI):
    """NinjaAPI whose operations all refuse a single-valued parameter given twice
    (`?trophy=a&trophy=b`) with one 422 that names it, instead of taking the last value."""

    def __init__(self, **options: Any) -> None:
        options.setdefault("parser", QueryParser())
        super().__init__(**options)

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        # Ninja turns each of pydantic's errors into one of its own, in order (with the
        # parameter's name in `loc`): the inputs, which it drops, say which are repeats.
        repeats = [
            isinstance(error["input"], Repeated)
            for context in error_contexts
            for error in context.pydantic_validation_error.errors(include_url=False)
        ]
        plain = super().validation_error_from_error_contexts(error_contexts)
        errors: list[dict[str, Any]] = []
        named: set[str] = set()
        for error, repeated in zip(plain.errors, repeats, strict=True):
            if not repeated:
                errors.append(error)
            elif (name := str(error["loc"][1])) not in named:
                named.add(name)
                errors.append(
                    {
                        "type": "repeated_parameter",
                        "loc": ["query", name],
                        "msg": f"{name}: give this parameter once",
                    }
                )
        return ValidationError(errors)


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
