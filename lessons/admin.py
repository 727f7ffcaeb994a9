from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import ForeignKey, QuerySet
from django.http import HttpRequest

from dlplatform import health, safe_input

from . import dialogue, services
from .models import AudioTrack, Chapter, LessonPreference, Section, SectionRead, Topic
from .videos import SectionVideo


class DialogueField(forms.Field):
    """The audio lesson as a textarea, one `Speaker: line` a line; errors name the line."""

    widget = forms.Textarea(attrs={"rows": 10, "cols": 100})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", f"One turn a line, 'Speaker: what they say'. {_RULES}")
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return dialogue.to_text(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[dict[str, str]]:
        text = value if isinstance(value, str) else ""
        if not text.strip():
            return []
        try:
            return dialogue.clean(dialogue.parse_text(text))
        except dialogue.DialogueError as exc:
            raise forms.ValidationError(str(exc), code="dialogue") from None


_RULES = (
    f"{dialogue.MIN_TURNS} to {dialogue.MAX_TURNS} turns, at least {dialogue.MIN_SPEAKERS} "
    f"speakers of the cast: {', '.join(dialogue.CAST)}."
)


class NulSafeJSONForm(forms.ModelForm):
    """JSON fields refuse a "\\u0000" escape as a field error (PostgreSQL cannot store NUL)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.JSONField):
                field.validators.append(safe_input.refuse_nul)


class TopicForm(NulSafeJSONForm):
    # The admin's form factory gives it the model and fields.
    dialogue = DialogueField()


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


class SectionVideoInline(admin.TabularInline):
    model = SectionVideo
    extra = 0
    fields = ["order", "title", "url", "duration_s", "watch_for"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    form = TopicForm  # the dialogue as `Speaker: line` lines
    list_display = ["title", "section", "slug"]
    list_select_related = ["section"]
    list_filter = ["section__chapter"]
    search_fields = ["title", "slug", "section__number"]


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    form = NulSafeJSONForm
    list_display = ["number", "title", "chapter"]
    list_select_related = ["chapter"]
    search_fields = ["number", "title", "slug"]
    # A search box, not a list of every term (the glossary grows to thousands).
    autocomplete_fields = ["terms"]
    filter_horizontal = ["prerequisites"]
    inlines = [TopicInline, SectionVideoInline]


@admin.register(AudioTrack)
class AudioTrackAdmin(admin.ModelAdmin):
    list_display = ["topic", "kind", "depth", "status", "backend", "duration", "rendered_at"]
    list_filter = ["status", "kind", "backend"]
    list_select_related = ["topic__section"]
    readonly_fields = [f.name for f in AudioTrack._meta.fields]
    actions = ["render_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tracks follow the topics (lessons/services.audio_schedule)

    @admin.action(description="Render the selected tracks again")
    def render_again(self, request: HttpRequest, queryset: QuerySet[AudioTrack]) -> None:
        topics = {track.topic for track in queryset.select_related("topic")}
        queued = services.audio_schedule(topics=topics, force=True)
        self.message_user(request, f"{len(queued)} tracks queued for the audio worker.")
        # Sent at commit; a send that fails leaves the rows queued for the reaper to send.
        if queued and health.check_broker()["status"] == "down":
            every = settings.LESSONS_AUDIO_REAP_EVERY_S
            self.message_user(
                request,
                "The message broker (Redis) is unreachable: the tracks stay queued and are sent "
                f"to the audio worker when it answers again (checked every {every} s).",
                level=messages.WARNING,
            )


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
