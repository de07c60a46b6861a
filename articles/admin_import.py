"""The admin's page for uploading story files: the same import as `import_stories`.

Every file of a batch gets a row: the good ones are imported, each bad one (empty, binary,
not a .txt file, a duplicate of another) is named with the reason. Messages name the form's
own checkboxes instead of command-line options, and a row links to the article's admin page,
and to its public page only when it is live (a draft's or scheduled story's would be a 404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

from articles.forms import ImportStoriesForm
from articles.importing import ImportResult, Summary, Surface, import_uploads
from articles.models import Article

ADMIN = Surface(
    update=f"tick “{ImportStoriesForm.base_fields['update'].label}”",
    force=f"tick “{ImportStoriesForm.base_fields['force'].label}”",
    addresses=False,  # the page links to the article instead
)


@dataclass(frozen=True)
class Row:
    """One file's line on the page."""

    result: ImportResult
    message: str
    admin_url: str
    public_url: str
    history_url: str  # where the edited text is, for a story an editor edited


def row_of(result: ImportResult) -> Row:
    edited = result.pk is not None and result.edit is not None
    return Row(
        result=result,
        message=result.message_for(ADMIN),
        admin_url=result.admin_url,
        public_url=result.public_url,
        history_url=reverse("admin:articles_article_history", args=[result.pk]) if edited else "",
    )


def import_stories_page(model_admin: Any, request: HttpRequest) -> TemplateResponse:
    """Upload story files and import them with the same code as `import_stories`."""
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    form = ImportStoriesForm(request.POST or None, request.FILES or None)
    if not model_admin.has_publish_permission(request):
        # Contributors' stories arrive as drafts, and only new ones.
        status = cast(forms.ChoiceField, form.fields["status"])
        status.choices = [(Article.Status.DRAFT, "Draft")]
        status.initial = Article.Status.DRAFT
        del form.fields["update"]
        del form.fields["force"]
    rows: list[Row] = []
    summary = None
    dry_run = False
    if request.method == "POST" and form.is_valid():
        dry_run = form.cleaned_data["dry_run"]
        results = import_uploads(
            form.cleaned_data["files"],
            # Contributors have neither box; "Replace edited stories too" implies the other.
            update=form.cleaned_data.get("update", False),
            force=form.cleaned_data.get("force", False),
            status=form.cleaned_data["status"],
            dry_run=dry_run,
        )
        rows = [row_of(result) for result in results]
        summary = Summary.of(results).line_for(ADMIN)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import stories",
        "form": form,
        "rows": rows,
        "summary": summary,
        "dry_run": dry_run,
    }
    return TemplateResponse(request, "admin/articles/article/import_stories.html", context)
