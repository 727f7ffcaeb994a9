"""Question bank and quiz admin. The formats engineer extends `QuestionAdmin.actions` (import/
export) and `get_urls` (statistics); keep both plain lists/overrides."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from dlplatform.accounts.requests import user_of
from lessons.admin import TopicChoicesMixin

from . import admin_editor as editor
from . import admin_preview, qtypes
from .admin_review import QuizAdminForm, review_fieldsets
from .admin_versions import versions_link, versions_view
from .models import (
    Attempt,
    AttemptQuestion,
    AttemptRegrade,
    Choice,
    MatchPair,
    NumericalAnswer,
    OrderingItem,
    Question,
    Quiz,
    QuizOverride,
    QuizSlot,
)
from .services import AttemptError, question_duplicate, question_version_record
from .services.regrade import attempt_regrade


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["order", "text", "fraction", "feedback"]
    verbose_name = "choice / accepted answer"


class NumericalAnswerInline(admin.TabularInline):
    model = NumericalAnswer
    extra = 0
    fields = ["order", "value", "tolerance", "fraction", "feedback"]


class MatchPairInline(admin.TabularInline):
    model = MatchPair
    extra = 0
    fields = ["order", "left", "right"]
    verbose_name = "pair (blank left = distractor)"


class OrderingItemInline(admin.TabularInline):
    model = OrderingItem
    extra = 0
    fields = ["position", "text"]


# The inline of each kind of answer row, by its related name; a type names its relation
# (qtypes' QType.relation), so a new type over existing rows needs nothing here.
INLINES_BY_RELATION: dict[str, type[admin.TabularInline]] = {
    "choices": ChoiceInline,
    "numerical_answers": NumericalAnswerInline,
    "match_pairs": MatchPairInline,
    "ordering_items": OrderingItemInline,
}


def inlines_for(kind: str | None) -> list[type[admin.TabularInline]]:
    """The type's own answer rows; a question not saved yet (no type) gets every kind."""
    if kind is None:
        return [INLINES_BY_RELATION[r] for r in qtypes.relations()]
    relation = qtypes.get(kind).relation
    return [INLINES_BY_RELATION[relation]] if relation else []


class QuestionAdminForm(forms.ModelForm):
    """Tags and hints as lists; the type's settings as fields of their own (admin_editor),
    checked by the type's schema (quizzes/qtypes/_spec.py) as the bank checks them."""

    # No Meta: the admin's modelform_factory gives the model and the fields (get_exclude).
    tags = editor.TagsField(required=False, help_text="One tag per line (or separated by commas).")
    hints = editor.HintsField(
        required=False,
        help_text="Shown one per failed try (interactive). Separate hints by a blank line.",
    )
    # The type this form edits (get_form sets it: the stored type, or the one chosen on add).
    qtype_name: str = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.instance.type = self.qtype_name  # shown (read only) on the add form
        editor.spec_initial(self, self.qtype_name)
        editor.combined_initial(self)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        qtype = qtypes.get(self.qtype_name)
        self.instance.type = qtype.name
        editor.combined_from_form(self)
        spec = editor.spec_from_form(self, qtype.name)
        inputs = editor.spec_from_form(self, qtype.name, inputs=True)
        if spec is None or inputs is None:
            return data
        try:
            # As the bank does: Cloze reads its gaps out of the stem, calculated its ranges.
            raw = {"type": qtype.name, "stem": data.get("stem") or "", "spec": spec}
            prepared = qtype.prepare_data(dict(raw, spec=qtype.editor_spec(spec, inputs)))
            self.instance.spec = qtype.clean_spec(prepared.get("spec"))
            data["stem"] = prepared["stem"]
            if qtype.relation is None:  # a type with answer rows is checked by their inline
                qtype.validate_data(dict(prepared, spec=self.instance.spec))
        except qtypes.TextError as exc:
            self.add_error("stem", str(exc))
        except qtypes.DataError as exc:
            editor.spec_error(self, qtype.name, str(exc))
        return data


def qtypes_label(kind: str) -> str:
    return str(dict(Question._meta.get_field("type").choices or []).get(kind, kind))


class TagFilter(admin.SimpleListFilter):
    title = "tag"
    parameter_name = "tag"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        tags = {t for tags in Question.objects.values_list("tags", flat=True) for t in tags or []}
        return [(t, t) for t in sorted(tags)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset.filter(tags__contains=[value]) if value else queryset


@admin.action(description="Duplicate selected questions")
def duplicate_questions(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> None:
    for question in queryset.prefetch_related("terms"):
        question_duplicate(question=question)
    modeladmin.message_user(
        request, f"Duplicated {queryset.count()} question(s).", messages.SUCCESS
    )


@admin.register(Question)
class QuestionAdmin(TopicChoicesMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "type",
        "category",
        "section",
        "topic",
        "difficulty",
        "slug",
        "preview_link",
    ]
    list_filter = ["section", "type", TagFilter, "difficulty", "category"]
    # topic__section: a topic's name shows its section's number (one query a row otherwise).
    list_select_related = ["section", "topic__section"]
    search_fields = ["name", "slug", "idnumber", "stem", "tags"]
    autocomplete_fields = ["terms"]
    readonly_fields = ["created_by", "created_at", "updated_at", "version_history"]
    actions = [duplicate_questions]  # the import/export actions are appended to this list
    form = QuestionAdminForm

    def question_kind(self, request: HttpRequest, obj: Question | None) -> str | None:
        """The type the page edits: the stored one, or the one chosen before adding (?type=)."""
        if obj is not None:
            return obj.type
        kind = request.GET.get("type", "")
        return kind if kind in qtypes.TYPES else None

    def get_exclude(self, request: HttpRequest, obj: Question | None = None) -> list[str]:
        # The spec and Moodle's combined feedback are edited through fields of their own.
        return ["spec", "combined_feedback"]

    def get_readonly_fields(self, request: HttpRequest, obj: Question | None = None) -> list[str]:
        # The type decides the form (its rows, its settings): chosen once, before adding.
        return [*self.readonly_fields, "type"]

    def get_form(
        self, request: HttpRequest, obj: Question | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        kind = self.question_kind(request, obj) or ""
        attrs: dict[str, Any] = {
            "qtype_name": kind,
            **editor.spec_form_fields(kind),
            **editor.combined_form_fields(kind),
        }
        kwargs["form"] = type("QuestionTypeForm", (self.form,), attrs)
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Question | None = None) -> list:
        kind = self.question_kind(request, obj) or ""
        own = editor.spec_field_names(kind)
        combined = list(editor.combined_form_fields(kind))
        fields = [f for f in self.get_fields(request, obj) if f not in (*own, *combined, "type")]
        sets: list = [(None, {"fields": ["type", *fields]})]
        if own:
            sets.append((f"{qtypes_label(kind)} settings", {"fields": own}))
        if combined:
            sets.append(("Combined feedback", {"fields": combined}))
        return sets

    def get_inlines(self, request: HttpRequest, obj: Question | None) -> list:
        kind = self.question_kind(request, obj)
        return inlines_for(kind) if kind else []

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        if self.question_kind(request, None) is None:
            return self.type_chooser(request)
        return super().add_view(request, form_url, extra_context)

    def type_chooser(self, request: HttpRequest) -> HttpResponse:
        """Moodle's first step: the type, then a form of that type's fields only."""
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        base = reverse("admin:quizzes_question_add")
        # Other parameters (?category=Week 1) go on as the form's initial values, as Django's.
        keep = request.GET.copy()
        kinds = []
        for kind in qtypes.TYPES:
            keep["type"] = kind
            kinds.append((qtypes_label(kind), f"{base}?{keep.urlencode()}"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Add a question: choose its type",
            "kinds": kinds,
            "opts": self.model._meta,
        }
        return render(request, "admin/quizzes/question/choose_type.html", context)

    def save_model(self, request: HttpRequest, obj: Question, form, change: bool) -> None:
        if not change and obj.created_by_id is None:
            obj.created_by = user_of(request)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        # After the answer rows: a version freezes the question with its answers.
        super().save_related(request, form, formsets, change)
        question_version_record(question=form.instance, by=user_of(request))

    @admin.display(description="versions")
    def version_history(self, obj: Question) -> str:
        return versions_link(obj)

    @admin.display(description="preview")
    def preview_link(self, obj: Question) -> str:
        url = reverse("admin:quizzes_question_preview", args=[obj.pk])
        return format_html('<a href="{}">Preview</a>', url)

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="quizzes_question_preview",
            ),
            path(
                "<int:pk>/versions/",
                self.admin_site.admin_view(partial(versions_view, self)),
                name="quizzes_question_versions",
            ),
        ]
        return extra + super().get_urls()

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return admin_preview.preview(self, request, pk)


class QuizSlotInline(admin.TabularInline):
    model = QuizSlot
    extra = 0
    autocomplete_fields = ["question"]
    fields = ["order", "question", "mark"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuizSlot]:
        # The autocomplete widget names each row's question: fetched with the slots.
        return super().get_queryset(request).select_related("question")


OVERRIDE_NOTE = (
    "One student or one group. An empty field keeps the quiz's setting. A student's own override"
    " beats their groups'; among several groups the most lenient value applies (earliest opening,"
    " latest closing, longest time, most attempts)."
)


class QuizOverrideInline(admin.StackedInline):
    model = QuizOverride
    extra = 0
    raw_id_fields = ["user"]
    verbose_name = "override (a student or a group)"
    fieldsets = [
        ("Who", {"fields": [("user", "group")], "description": OVERRIDE_NOTE}),
        (
            "Dates and time",
            {"fields": [("open_at", "close_at"), ("time_limit", "extra_time_percent")]},
        ),
        ("Attempts and password", {"fields": [("attempts_allowed", "password")]}),
    ]


# The quiz form's own fields, grouped as Moodle's settings page groups them; the rest go first.
QUIZ_FIELD_GROUPS: list[tuple[str, list[str]]] = [
    ("Timing", ["open_at", "close_at", "time_limit", "overdue_handling", "grace_period"]),
    (
        "Attempts and access",
        ["attempts_allowed", "password", "delay_first", "delay_later", "require_pass_previous"],
    ),
    ("Layout and navigation", ["questions_per_page", "navigation", "shuffle_questions"]),
    ("Question behaviour", ["behaviour", "max_tries", "shuffle_answers"]),
]


def _grouped(fieldsets: list) -> list:
    main = fieldsets[0][1]["fields"]
    taken = {name for _, names in QUIZ_FIELD_GROUPS for name in names}
    groups = [
        (title, {"fields": [n for n in names if n in main]}) for title, names in QUIZ_FIELD_GROUPS
    ]
    return [(None, {"fields": [f for f in main if f not in taken]}), *groups, *fieldsets[1:]]


@admin.register(Quiz)
class QuizAdmin(TopicChoicesMixin, admin.ModelAdmin):
    list_display = ["title", "section", "behaviour", "time_limit", "is_published"]
    list_filter = ["section", "behaviour", "is_published"]
    list_select_related = ["section"]
    search_fields = ["title", "slug"]
    inlines = [QuizSlotInline, QuizOverrideInline]
    actions: list = []  # statistics links / exports may be added here
    form = QuizAdminForm  # the review options as Moodle's matrix of checkboxes

    def get_fieldsets(self, request: HttpRequest, obj: Quiz | None = None) -> list:
        # A form's fields are plain names (get_fields may nest them only for `fieldsets`).
        return _grouped(review_fieldsets([str(f) for f in self.get_fields(request, obj)]))


class AttemptQuestionInline(admin.TabularInline):
    model = AttemptQuestion
    extra = 0
    fields = readonly_fields = ("order", "question", "response", "locked", "mark", "needs_grading")
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[AttemptQuestion]:
        return super().get_queryset(request).select_related("question")


class AttemptRegradeInline(admin.TabularInline):
    model = AttemptRegrade
    extra = 0
    fields = readonly_fields = (
        "at",
        "by",
        "reason",
        "marks_before",
        "marks_after",
        "score_before",
        "score_after",
    )
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[AttemptRegrade]:
        # Each row is titled with its __str__, which names the attempt's student and quiz.
        return super().get_queryset(request).select_related("by", "attempt__user", "attempt__quiz")


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["user", "quiz", "number", "state", "score", "started_at", "submitted_at"]
    list_filter = ["state", "quiz"]
    list_select_related = ["user", "quiz"]
    search_fields = ["user__username", "quiz__title"]
    raw_id_fields = ["user"]  # thousands of students: by id, not a <select> of every account
    # Marks come from grading only: a changed mark goes through the regrade action (who, why).
    readonly_fields = ["marks", "max_marks", "score", "graded_at", "needs_manual_grading"]
    inlines = [AttemptQuestionInline, AttemptRegradeInline]
    actions = ["regrade"]

    @admin.action(
        description="Regrade selected attempts from their responses", permissions=["change"]
    )
    def regrade(self, request: HttpRequest, queryset: QuerySet[Attempt]) -> HttpResponse | None:
        form = RegradeForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": "Regrade attempts",
                "attempts": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return render(request, "admin/quizzes/attempt/regrade.html", context)
        done, refused = 0, []
        for attempt in queryset:
            try:
                attempt_regrade(
                    attempt=attempt, by=user_of(request), reason=form.cleaned_data["reason"]
                )
                done += 1
            except AttemptError as exc:
                refused.append(f"{attempt}: {exc}")
        self.message_user(request, f"Regraded {done} attempt(s).", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)
        return None


class RegradeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Recorded with your name on each attempt, e.g. 'question 3's answer key fixed'.",
    )


# --- formats engineer (quizzes/admin_io.py): GIFT/Aiken import & export, statistics links ---
from . import admin_io  # noqa: E402

admin_io.install(QuestionAdmin)
admin_io.install_quiz(QuizAdmin)

# --- the bank's category tree (quizzes/admin_categories.py): its filter, move and copy ---
from . import admin_categories  # noqa: E402

admin_categories.install(QuestionAdmin)
