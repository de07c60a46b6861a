from django.contrib import admin

from trophies.models import Honour, Trophy
from trophies.services import trophy_save


class HonourInline(admin.TabularInline):
    model = Honour
    fields = ["season", "won_on", "final_opponent", "score", "captain"]
    autocomplete_fields = ["captain"]
    extra = 0


@admin.register(Trophy)
class TrophyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "honour_count"]
    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [HonourInline]

    def get_queryset(self, request):
        return super().get_queryset(request).cabinet()

    def save_model(self, request, obj: Trophy, form, change: bool) -> None:
        trophy_save(trophy=obj)

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
