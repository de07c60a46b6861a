from django.urls import path

from matches import views

app_name = "matches"
urlpatterns = [
    path("matches/", views.match_list, name="list"),
    path("matches/calendar.ics", views.calendar, name="calendar"),
    path("matches/<slug:slug>/", views.match_detail, name="detail"),
    path("tables/", views.latest_table, name="tables"),
    path("tables/<slug:competition>/<slug:season>/", views.table, name="table"),
]
