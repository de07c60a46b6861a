from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.cache import never_cache

from articles.admin_forms import (
    LONG_TEXT,
    REVISION_LABELS,
    ArticleForm,
    compare,
    match_name,
    names_of,
)
from articles.admin_import import import_stories_page
from articles.mentions import Mentions
from articles.models import Article, ArticleMatch, SlugRedirect, Tag
from articles.services import EditConflict, article_restore, article_save, picked_links
from articles.structured_data import news_article
from revisions.admin import RevisionHistory
from revisions.diff import Change
from revisions.models import Actor, Revision, Via

# Fields only people allowed to publish may set; for everyone else they are read-only, and a
# form that tries to set them anyway is refused.
PUBLISHING_FIELDS = ("status", "published_at")


def state_of(article: Article) -> str:
    if article.status == Article.Status.DRAFT:
        return "Draft"
    return "Scheduled" if article.published_at > timezone.now() else "Live"


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("live", "Live")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> QuerySet[Article]:
        now = timezone.now()
        published = queryset.filter(status=Article.Status.PUBLISHED)
        by_value: dict[str | None, QuerySet[Article]] = {
            "draft": queryset.filter(status=Article.Status.DRAFT),
            "scheduled": published.filter(published_at__gt=now),
            "live": published.filter(published_at__lte=now),
        }
        return by_value.get(self.value(), queryset)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "article", "created_at"]
    search_fields = ["old_slug", "article__title"]
    autocomplete_fields = ["article"]


@admin.register(Article)
class ArticleAdmin(RevisionHistory):
    list_display = ["thumbnail", "title", "state", "published_at", "mentioned", "word_count"]
    list_display_links = ["title"]
    list_filter = [StateFilter, "tags", "trophies", "players"]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
    change_list_template = "admin/articles/article/change_list.html"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["picked_players", "picked_trophies", "tags", "removed_matches"]
    actions = ["publish", "unpublish"]
    form = ArticleForm
    change_form_template = "admin/articles/article/change_form.html"
    revision_labels = REVISION_LABELS
    revision_long_text = LONG_TEXT
    revision_slug_owner = "another article's"

    class Media:
        # Keeps unsaved text in the browser's storage and asks before leaving with changes.
        js = ["js/article-form.js"]
        css = {"all": ["css/admin.css"]}

    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "base_version"]}),
        ("Publishing", {"fields": ["status", "published_at", "author", "tags", "preview"]}),
        ("Image", {"fields": ["image", "image_alt"]}),
        (
            "Mentions",
            {
                "fields": ["found", "picked_players", "picked_trophies"],
                "description": (
                    "The people and trophies the text names are found and linked when you "
                    "save, and again whenever a name or alias changes. Add here those the "
                    "story is about that its text does not name: they stay linked."
                ),
            },
        ),
        (
            "Matches",
            {
                "fields": ["found_matches", "picked_reports", "picked_previews", "removed_matches"],
                "description": (
                    "A story that names the opponent of one of the club's matches is linked "
                    "to it when you save: as its preview if it is dated up to seven days "
                    "before the match day, as its report from the match day to two days "
                    "after. Pick the matches it is about that are not found, and remove a "
                    "found one it is not about: both stay so, whatever later saves find."
                ),
            },
        ),
        ("Record", {"fields": ["word_count", "source_name", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return super().get_queryset(request).prefetch_related("players")

    def get_readonly_fields(self, request: HttpRequest, obj: Article | None = None) -> list[str]:
        fields = [
            "preview",
            "found",
            "found_matches",
            "word_count",
            "source_name",
            "created_at",
            "updated_at",
        ]
        if not self.has_publish_permission(request):
            fields += PUBLISHING_FIELDS
        return fields

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("articles.publish_article")

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        # What is public, or scheduled to be, only changes in the hands of a publisher.
        if (
            obj is not None
            and obj.status == Article.Status.PUBLISHED
            and not self.has_publish_permission(request)
        ):
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description="")
    def thumbnail(self, article: Article) -> str:
        src = article.image_renditions.get("src") if article.image_renditions else None
        if not src:
            return ""
        return format_html(
            '<img src="{}" alt="" width="64" height="36" class="article-thumb">', src
        )

    @admin.display(description="state", ordering="status")
    def state(self, article: Article) -> str:
        return state_of(article)

    @admin.display(description="mentions")
    def mentioned(self, article: Article) -> str:
        return ", ".join(player.name for player in article.players.all())

    @admin.display(description="found in the text")
    def found(self, article: Article) -> str:
        if not article.pk:
            return "Found when you save."
        picked = picked_links(article)
        names = [p.name for p in article.players.all() if p.pk not in picked.player_ids]
        names += [t.name for t in article.trophies.all() if t.pk not in picked.trophy_ids]
        return ", ".join(names) or "None yet."

    @admin.display(description="found from the text and date")
    def found_matches(self, article: Article) -> str:
        if not article.pk:
            return "Found when you save."
        found = [
            f"{link.get_role_display()}: {match_name(link.match)}"
            for link in ArticleMatch.objects.for_strip().filter(article=article, picked=False)
        ]
        return ", ".join(found) or "None."

    @admin.display(description="preview")
    def preview(self, article: Article) -> str:
        if not article.pk:
            return "Save the article to preview it."
        url = reverse("admin:articles_article_preview", args=[article.pk])
        return format_html('<a href="{}">See it as it will look on the site</a>', url)

    @admin.action(description="Publish selected drafts now", permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        drafts = list(queryset.filter(status=Article.Status.DRAFT))
        for article in drafts:
            article.status, article.published_at = Article.Status.PUBLISHED, timezone.now()
            article_save(
                article=article,
                actor=Actor.of(request.user, Via.ADMIN),
                update_fields=["status", "published_at", "updated_at"],
            )
            self.log_change(request, article, "Published.")
        self.message_user(request, f"{len(drafts)} article(s) published.", messages.SUCCESS)

    @admin.action(
        description="Unpublish selected articles (back to draft)", permissions=["publish"]
    )
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        published = list(queryset.filter(status=Article.Status.PUBLISHED))
        for article in published:
            article.status = Article.Status.DRAFT
            article_save(
                article=article,
                actor=Actor.of(request.user, Via.ADMIN),
                update_fields=["status", "updated_at"],
            )
            self.log_change(request, article, "Unpublished.")
        self.message_user(request, f"{len(published)} article(s) back to draft.", messages.SUCCESS)

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        """Through the one write path, with the form's tags and hand-picked links, refused
        (EditConflict) when someone saved the article since the form was loaded."""
        if not change:
            obj.created_by = cast(User, request.user)  # the admin lets in staff users only
        data = form.cleaned_data
        picked = None  # a form without the fields keeps the stored ones
        if "picked_players" in data and "picked_trophies" in data:
            picked = Mentions(
                {player.pk for player in data["picked_players"]},
                {trophy.pk for trophy in data["picked_trophies"]},
            )
        article_save(
            article=obj,
            actor=Actor.of(request.user, Via.ADMIN),
            picked=picked,
            match_picks=form.match_picks(),
            tags=data.get("tags"),
            base_version=data.get("base_version"),
        )

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if (
            request.method == "POST"
            and not self.has_publish_permission(request)
            and any(field in request.POST for field in PUBLISHING_FIELDS)
        ):
            raise PermissionDenied("Only editors can publish or schedule articles.")
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Someone saved between this form's check and its save (the save was rolled
            # back): the form, asked again, now sees the stored version and says so.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def revision_names(self, snapshots: Sequence[Mapping[str, Any]]) -> dict[str, dict[Any, str]]:
        return names_of([dict(data) for data in snapshots])

    def compare(self, before: Any, after: Any, names: Any = None) -> list[Change]:
        return compare(before, after, names or self.revision_names([before, after]))

    def check_restore(self, request: HttpRequest, obj: Article, revision: Revision) -> None:
        if not self.has_publish_permission(request) and (
            revision.data.get("status") == Article.Status.PUBLISHED
            or obj.status == Article.Status.PUBLISHED
        ):
            raise PermissionDenied("Only editors can restore a version that is published.")

    def restore_revision(self, obj: Article, revision: Revision, actor: Actor) -> None:
        article_restore(article=obj, revision=revision, actor=actor)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The form's many-to-many fields were saved by article_save; only formsets remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_stories_view),
                name="articles_article_import",
            ),
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="articles_article_preview",
            ),
            *super().get_urls(),
        ]

    @method_decorator(never_cache)
    def preview_view(self, request: HttpRequest, pk: int) -> TemplateResponse:
        """The article as the public page will show it, whatever its state."""
        article = get_object_or_404(Article.objects.with_relations(), pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        response = TemplateResponse(
            request,
            "articles/article_detail.html",
            {
                "article": article,
                "related": Article.objects.related_to(article),
                "structured_data": news_article(article, request.build_absolute_uri),
                "preview_state": state_of(article),
                "change_url": reverse("admin:articles_article_change", args=[pk]),
            },
        )
        response["X-Robots-Tag"] = "noindex"
        return response

    def import_stories_view(self, request: HttpRequest) -> TemplateResponse:
        return import_stories_page(self, request)
