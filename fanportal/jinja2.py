"""The Jinja2 environment of the public site's templates (the `jinja2/` folder).

Set up as Django's documentation shows for its Jinja2 backend, with Django's own functions:
`static` and `url` (reverse) as globals, Django's `date`, `pluralize` and `intcomma` as
filters, and Django's `{% querystring %}` tag as a function. The admin keeps Django's
templates (`templates/` folders). The README says why the public pages use Jinja2.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.template import RequestContext, defaultfilters, defaulttags
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from jinja2 import Environment

# The characters that could end a <script> element or open a comment inside it.
_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


def date(value: Any, format_string: str) -> str:
    """Django's `date` filter, in the current time zone as Django's own templates show it
    (they convert an aware datetime to local time before the filter sees it)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = localtime(value)
    return defaultfilters.date(value, format_string)


def json_ld(data: dict[str, Any]) -> SafeString:
    """A JSON-LD <script>. It needs no CSP nonce: a data block is never run."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    for character, escape in _ESCAPES:
        payload = payload.replace(character, escape)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


def querystring(request: HttpRequest, **changes: Any) -> str:
    """Django's {% querystring %}: the request's query string with `changes` applied."""
    return defaulttags.querystring(RequestContext(request), **changes)


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def environment(**options: Any) -> Environment:
    env = Environment(keep_trailing_newline=True, **options)
    env.globals.update(static=static, url=url, json_ld=json_ld, querystring=querystring)
    env.filters.update(date=date, intcomma=intcomma, pluralize=defaultfilters.pluralize)
    return env
