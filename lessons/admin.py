from django.contrib import admin

from .models import Chapter, LessonPreference, Section, SectionRead, Topic
from .videos import SectionVideo


class TopicInline(admin.StackedInline):
    model = Topic
    extra = 0


class SectionVideoInline(admin.TabularInline):
    model = SectionVideo
    extra = 0
    fields = ["order", "title", "url", "duration_s", "watch_for"]


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "chapter"]
    list_select_related = ["chapter"]
    search_fields = ["number", "title", "slug"]
    filter_horizontal = ["terms", "prerequisites"]
    inlines = [TopicInline, SectionVideoInline]


@admin.register(SectionRead)
class SectionReadAdmin(admin.ModelAdmin):
    list_display = ["user", "section", "read_at"]
    list_select_related = ["user", "section"]


@admin.register(LessonPreference)
class LessonPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "depth"]
