from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "user",
        "kind",
        "status",
        "worker",
        "attempts",
        "created",
        "started",
        "finished",
    )
    list_filter = ("status", "kind", "worker")
    search_fields = ("user__username", "title", "failure_reason")
    list_select_related = ("user",)
    readonly_fields = (
        "created",
        "enqueued",
        "started",
        "finished",
        "heartbeat",
        "progress",
        "history",
        "results",
    )
    date_hierarchy = "created"
