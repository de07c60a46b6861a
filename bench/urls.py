from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/plain", views.plain),
    path("bench/tpl", views.tpl),
    path("", include("fanportal.urls")),
]
