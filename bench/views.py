"""Baselines for `make bench`, mounted only when FANPORTAL_BENCHMARK is set: what the same
gunicorn serves for a constant response (`plain`) and a small template (`tpl`)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

ITEMS = [{"number": n, "name": f"Item {n}", "even": n % 2 == 0} for n in range(20)]


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


def tpl(request: HttpRequest) -> HttpResponse:
    # Django's template engine, asked directly: the baseline is the same page whichever
    # engine the site's own templates use (asking the Jinja2 engine first costs a miss).
    return render(request, "bench/tpl.html", {"title": "Baseline", "items": ITEMS}, using="django")
