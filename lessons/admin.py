from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.http import HttpRequest

from .models import Chapter, LessonPreference, Section, SectionRead, Topic


def topic_choices() -> QuerySet[Topic]:
    """Topics as a choice list names them ("7.8 Title"): the section comes in the same query
    (Topic.__str__ reads it: one query per topic otherwise) and the bodies stay in the table."""
    return Topic.objects.select_related("section").only("pk", "title", "section__number")


class TopicChoicesMixin:
    """For admins with a foreign key to Topic (questions, quizzes): a cheap choice list."""

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.related_model is Topic:
            kwargs.setdefault("queryset", topic_choices())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class TopicInline(admin.TabularInline):
    """A section's topics by name and order; each topic's bodies (three depths, examples, memory
    aids) are edited on its own page: a dozen of them inline made the section's form the
    slowest page of the admin."""

    model = Topic
    extra = 0
    fields = ["order", "slug", "title"]
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return super().get_queryset(request).select_related("section")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "section", "slug"]
    list_select_related = ["section"]
    list_filter = ["section__chapter"]
    search_fields = ["title", "slug", "section__number"]


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "chapter"]
    list_select_related = ["chapter"]
    search_fields = ["number", "title", "slug"]
    # A search box, not a list of every term (the glossary grows to thousands).
    autocomplete_fields = ["terms"]
    filter_horizontal = ["prerequisites"]
    inlines = [TopicInline]


# Per-student rows: a course has thousands of students, so a user is entered by id (with the
# lookup), never picked from a <select> of every account.
@admin.register(SectionRead)
class SectionReadAdmin(admin.ModelAdmin):
    list_display = ["user", "section", "read_at"]
    list_select_related = ["user", "section"]
    raw_id_fields = ["user"]


@admin.register(LessonPreference)
class LessonPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "depth"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
