from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from articles import feeds
from articles.sitemaps import SITEMAPS
from articles.views import news_sitemap, search
from fanportal import views
from fanportal.api import api

admin.site.site_header = f"{settings.FANPORTAL_SITE_NAME} newsroom"
admin.site.site_title = settings.FANPORTAL_SITE_NAME
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("", views.home, name="home"),
    path("news/", include("articles.urls")),
    path("squad/", include("players.urls")),
    path("trophies/", include("trophies.urls")),
    # /matches/... and /tables/...: one app, two address roots.
    path("", include("matches.urls")),
    path("search/", search, name="search"),
    path("feeds/news/", feeds.NewsFeed(), name="feed"),
    path("feeds/news/atom/", feeds.AtomNewsFeed(), name="feed-atom"),
    path("squad/<slug:slug>/feed/", feeds.PlayerFeed(), name="player-feed"),
    path("squad/<slug:slug>/feed/atom/", feeds.AtomPlayerFeed(), name="player-feed-atom"),
    path("trophies/<slug:slug>/feed/", feeds.TrophyFeed(), name="trophy-feed"),
    path("trophies/<slug:slug>/feed/atom/", feeds.AtomTrophyFeed(), name="trophy-feed-atom"),
    # An index of the sections, each in pages of a thousand addresses (Sitemap.limit): one
    # sitemap of every article cost 80 µs an address, 0.8 s at ten thousand.
    path("sitemap-news.xml", news_sitemap, name="news-sitemap"),
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler500 = "fanportal.views.server_error"
