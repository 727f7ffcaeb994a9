from django.contrib import admin

from .models import Outcome, Round


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0
    fields = ("label", "answer", "correct", "rating", "review", "answered_at")
    readonly_fields = ("label", "answer", "correct", "rating", "review", "answered_at")
    can_delete = False


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["user", "game", "set_title", "started_at", "finished_at", "score", "time_ms"]
    list_filter = ["game"]
    list_select_related = ["user"]
    search_fields = ["user__username", "set_key"]
    exclude = ["state"]  # the pairing: not for display
    readonly_fields = ["user", "game", "set_key", "set_title", "started_at", "deadline",
                       "finished_at", "wrong", "score", "total", "time_ms"]  # fmt: skip
    inlines = [OutcomeInline]
