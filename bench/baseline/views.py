from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

ITEMS = [{"number": n, "name": f"Item {n}", "even": n % 2 == 0} for n in range(20)]


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


def tpl(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/tpl.html", {"title": "Baseline", "items": ITEMS})
