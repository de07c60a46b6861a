from django.urls import path

from trophies import views

app_name = "trophies"
urlpatterns = [
    path("", views.CabinetView.as_view(), name="cabinet"),
    path("<slug:slug>/", views.TrophyDetailView.as_view(), name="detail"),
]
