from __future__ import annotations

from typing import Any, cast

from django import forms
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

from articles.forms import ImportStoriesForm
from articles.importing import Summary, import_uploads
from articles.mentions import Mentions
from articles.models import Article, SlugRedirect, Tag
from articles.services import article_save, links_of
from articles.structured_data import news_article

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
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "title", "state", "published_at", "mentioned", "word_count"]
    list_display_links = ["title"]
    list_filter = [StateFilter, "tags", "trophies", "players"]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
    change_list_template = "admin/articles/article/change_list.html"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["players", "trophies", "tags"]
    actions = ["publish", "unpublish"]

    class Media:
        # Keeps unsaved text in the browser's storage and asks before leaving with changes.
        js = ["js/article-form.js"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body"]}),
        ("Publishing", {"fields": ["status", "published_at", "author", "tags", "preview"]}),
        ("Image", {"fields": ["image", "image_alt"]}),
        (
            "Mentions",
            {
                "fields": ["players", "trophies"],
                "description": (
                    "Found in the text when you save; add any the text names differently."
                ),
            },
        ),
        ("Record", {"fields": ["word_count", "source_name", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return super().get_queryset(request).prefetch_related("players")

    def get_readonly_fields(self, request: HttpRequest, obj: Article | None = None) -> list[str]:
        fields = ["preview", "word_count", "source_name", "created_at", "updated_at"]
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
        return super().changeform_view(request, object_id, form_url, extra_context)

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
            article_save(article=article, update_fields=["status", "published_at", "updated_at"])
            self.log_change(request, article, "Published.")
        self.message_user(request, f"{len(drafts)} article(s) published.", messages.SUCCESS)

    @admin.action(
        description="Unpublish selected articles (back to draft)", permissions=["publish"]
    )
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        published = list(queryset.filter(status=Article.Status.PUBLISHED))
        for article in published:
            article.status = Article.Status.DRAFT
            article_save(article=article, update_fields=["status", "updated_at"])
            self.log_change(request, article, "Unpublished.")
        self.message_user(request, f"{len(published)} article(s) back to draft.", messages.SUCCESS)

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        """Through the one write path, with the form's tags, and the players and trophies
        the editor picked (kept besides those the text names)."""
        if not change:
            obj.created_by = cast(User, request.user)  # the admin lets in staff users only
        data = form.cleaned_data
        picked: Mentions | None
        if "players" in data and "trophies" in data:
            picked = Mentions(
                {player.pk for player in data["players"]},
                {trophy.pk for trophy in data["trophies"]},
            )
        else:  # a form without the fields changes no links
            picked = links_of(obj) if change else None
        article_save(article=obj, keep=picked, tags=data.get("tags"))

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
        """Upload story files and import them with the same code as `import_stories`."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ImportStoriesForm(request.POST or None, request.FILES or None)
        if not self.has_publish_permission(request):
            # Contributors' stories arrive as drafts, and only new ones.
            status = cast(forms.ChoiceField, form.fields["status"])
            status.choices = [(Article.Status.DRAFT, "Draft")]
            status.initial = Article.Status.DRAFT
            del form.fields["update"]
        results, summary = [], None
        if request.method == "POST" and form.is_valid():
            results = import_uploads(
                form.cleaned_data["files"],
                update=form.cleaned_data.get("update", False),
                status=form.cleaned_data["status"],
                dry_run=form.cleaned_data["dry_run"],
            )
            summary = Summary.of(results)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import stories",
            "form": form,
            "results": results,
            "summary": summary,
            "dry_run": form.is_bound and form.is_valid() and form.cleaned_data["dry_run"],
        }
        return TemplateResponse(request, "admin/articles/article/import_stories.html", context)
