from django.urls import path

from players import views

app_name = "players"
urlpatterns = [
    path("", views.SquadView.as_view(), name="squad"),
    path("<slug:slug>/", views.PlayerDetailView.as_view(), name="detail"),
]
