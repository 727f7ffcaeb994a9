from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

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
    raw_id_fields = ("user",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Job]:
        # A finished run keeps its curves and a results report with images (tens of kB each):
        # the list shows none of it, so it is left in the table (the change form loads it).
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if match is not None and match.url_name == "playground_job_changelist":
            queryset = queryset.defer("history", "results", "progress", "config")
        return queryset
