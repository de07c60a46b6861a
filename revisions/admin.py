"""The admin's History page of an object, made of its revisions: who saved what and when,
the difference between any two, and a one-click restore.

`RevisionHistory` is a ModelAdmin mixin. The model's admin says how its snapshots read
(`revision_labels`, `revision_long_text`, `revision_names`) and how one is restored
(`restore_revision`, through the app's own service, which records the restore as a new
revision; the mixin first refuses a version whose slug another row has taken).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from revisions import diff
from revisions.models import Actor, Revision, Via, when

PER_PAGE = 50


class RestoreRefused(Exception):
    """A revision that cannot be restored as it is (its address is taken, say): the message
    says why, for the editor."""


class RevisionHistory(admin.ModelAdmin):
    revision_labels: Mapping[str, str] = {}
    revision_long_text: Sequence[str] = ()
    revision_lines: Sequence[str] = ()

    def revision_names(self, snapshots: Sequence[Mapping[str, Any]]) -> dict[str, dict[Any, str]]:
        """Names for the ids that snapshots hold in lists (players, tags), by field."""
        return {}

    # Whose the address of a restored version may have become, for the refusal's message.
    revision_slug_owner = "another one's"

    def restore_revision(self, obj: Any, revision: Revision, actor: Actor) -> None:
        """Put `revision` back through the app's service, as a save by `actor`."""
        raise NotImplementedError

    def check_restore(self, request: HttpRequest, obj: Any, revision: Revision) -> None:
        """Refuse (PermissionDenied) a restore this user may not make; by default, any user
        who may change the object may restore it."""

    def compare(
        self, before: Mapping[str, Any], after: Mapping[str, Any], names: Any = None
    ) -> list[diff.Change]:
        return diff.compare(
            before,
            after,
            labels=self.revision_labels,
            long_text=self.revision_long_text,
            lines=self.revision_lines,
            names=names if names is not None else self.revision_names([before, after]),
        )

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/<int:revision_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def _object(self, request: HttpRequest, object_id: str) -> models.Model:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with the id {object_id}.")
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The revisions, newest first, each with what it changed; two of them compared."""
        obj = self._object(request, object_id)
        revisions = Revision.objects.of(obj)
        page = Paginator(revisions, PER_PAGE).get_page(request.GET.get("p"))
        shown = list(page.object_list)
        # The revision before the page's last one, to say what that one changed.
        earlier = revisions.filter(pk__lt=shown[-1].pk).first() if shown else None
        chosen: dict[str, Revision] = {}
        for key in ("a", "b"):
            picked = request.GET.get(key, "")
            if (
                picked.isascii()
                and picked.isdigit()
                and (found := revisions.filter(pk=picked).first())
            ):
                chosen[key] = found
        newer = chosen.get("b") or (shown[0] if shown else None)
        older = chosen.get("a") or (shown[1] if len(shown) > 1 else None)
        if newer and older and older.created_at > newer.created_at:
            older, newer = newer, older
        snapshots = [r.data for r in [*shown, *([earlier] if earlier else []), *chosen.values()]]
        names = self.revision_names(snapshots)
        rows = []
        for index, revision in enumerate(shown):
            previous = shown[index + 1] if index + 1 < len(shown) else earlier
            changes = self.compare(previous.data, revision.data, names) if previous else []
            rows.append(
                {
                    "revision": revision,
                    "summary": diff.summary(changes) if previous else "First version",
                    "current": index == 0 and page.number == 1,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"History of “{obj}”",
            "subtitle": None,
            "opts": self.opts,
            "object": obj,
            "rows": rows,
            "page": page,
            "older": older,
            "newer": newer,
            "changes": self.compare(older.data, newer.data, names) if older and newer else [],
            "can_restore": self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/revisions/history.html", context)

    @method_decorator(require_POST)
    def restore_view(self, request: HttpRequest, object_id: str, revision_id: int) -> HttpResponse:
        """Put a revision back (one click on the History page); the restore is itself saved
        as a new revision."""
        obj: Any = self._object(request, object_id)  # a model with a slug and a page
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        revision = Revision.objects.of(obj).filter(pk=revision_id).first()
        if revision is None:
            raise Http404(f"“{obj}” has no revision {revision_id}.")
        try:
            self.check_restore(request, obj, revision)
            slug = revision.data.get("slug", obj.slug)
            if self.model._default_manager.filter(slug=slug).exclude(pk=obj.pk).exists():
                address = type(obj)(slug=slug).get_absolute_url()
                raise RestoreRefused(
                    f"That version's address {address} is now {self.revision_slug_owner}: "
                    "change one of the two slugs first."
                )
            actor = Actor(Via.RESTORE, request.user, note=f"revision {revision.pk}")
            self.restore_revision(obj, revision, actor)
        except RestoreRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return HttpResponseRedirect(self._url("history", obj))
        self.message_user(
            request,
            f"Restored the version of {when(revision)} by {revision.author}. "
            "The restore is a new revision: it can be undone the same way.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._url("change", obj))

    def _url(self, view: str, obj: models.Model) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}",
            args=[obj.pk],
            current_app=self.admin_site.name,
        )
