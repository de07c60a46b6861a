from django.urls import path

from articles import views

app_name = "articles"
urlpatterns = [
    path("", views.NewsListView.as_view(), name="list"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
]
