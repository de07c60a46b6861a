from typing import Any, cast

from django.contrib import admin, messages
from django.http import HttpRequest

from revisions.admin import RevisionHistory
from revisions.models import Actor, Revision, Via
from trophies.models import Honour, Trophy, TrophyQuerySet
from trophies.services import trophy_restore, trophy_save


class HonourInline(admin.TabularInline):
    model = Honour
    fields = ["season", "won_on", "final_opponent", "score", "captain"]
    autocomplete_fields = ["captain"]
    extra = 0


@admin.register(Trophy)
class TrophyAdmin(RevisionHistory):
    list_display = ["name", "slug", "honour_count"]
    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [HonourInline]
    revision_labels = {
        "name": "Name",
        "slug": "Slug",
        "aliases": "Aliases",
        "description": "Description",
        "image": "Image",
    }
    revision_long_text = ("description",)
    revision_lines = ("aliases",)
    revision_slug_owner = "another trophy's"

    def get_queryset(self, request: HttpRequest) -> TrophyQuerySet:
        # The admin's queryset is Trophy.objects' (ModelAdmin is not generic at run time).
        return cast(TrophyQuerySet, super().get_queryset(request)).cabinet()

    def save_model(self, request: HttpRequest, obj: Trophy, form: Any, change: bool) -> None:
        relinks = obj.names_changed()  # the save relinks in the background (articles.apps)
        trophy_save(trophy=obj, actor=Actor.of(request.user, Via.ADMIN))
        if relinks:
            self.message_user(
                request, f"Relinking articles that may mention {obj.name}.", messages.INFO
            )

    def restore_revision(self, obj: Trophy, revision: Revision, actor: Actor) -> None:
        trophy_restore(trophy=obj, revision=revision, actor=actor)

    @admin.display(description="wins", ordering="honour_count")
    def honour_count(self, trophy: Trophy) -> int:
        return trophy.honour_count


@admin.register(Honour)
class HonourAdmin(admin.ModelAdmin):
    list_display = ["trophy", "season", "won_on", "final_opponent", "score", "captain"]
    list_filter = ["trophy"]
    search_fields = ["season", "final_opponent", "trophy__name"]
    autocomplete_fields = ["captain", "squad"]
    list_select_related = ["trophy", "captain"]
    date_hierarchy = "won_on"
