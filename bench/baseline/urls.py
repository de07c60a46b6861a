from django.urls import path

from bench.baseline import views

urlpatterns = [
    path("plain", views.plain, name="plain"),
    path("tpl", views.tpl, name="tpl"),
]
