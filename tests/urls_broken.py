"""The site's URLs plus one view that fails, for testing what a 500 looks like."""

from django.urls import include, path


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken), path("", include("fanportal.urls"))]
handler500 = "fanportal.views.server_error"
