"""GIFT, Aiken and Moodle XML import and export in the question admin.

`install(QuestionAdmin)` (called at the end of quizzes/admin.py) adds the export actions, an
"Import questions" page at /admin/quizzes/question/import/ and a button on the change list.
The page and the shell command share `questions_import`, so both are all or nothing.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from dlplatform.accounts.requests import user_of

from .formats import detect_format
from .services.importing import FORMAT_NAMES, questions_export, questions_import

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class QuestionImportForm(forms.Form):
    file = forms.FileField(required=False, help_text="A UTF-8 text or Moodle XML file.")
    text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 10}), help_text="…or paste the text."
    )
    fmt = forms.ChoiceField(
        label="Format",
        choices=[("auto", "From the file name or text"), *FORMAT_NAMES.items()],
        initial="auto",
        required=False,
    )
    section: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, required=False)
    dry_run = forms.BooleanField(required=False, help_text="Check the file; write nothing.")
    allow_partial = forms.BooleanField(
        required=False, help_text="Import the good questions even if others have errors."
    )
    update = forms.BooleanField(
        required=False,
        help_text="Replace the bank's questions with the same category and ID number "
        "(otherwise they are kept as they are).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from lessons.models import Section

        self.fields["section"].queryset = Section.objects.order_by("number")  # type: ignore[attr-defined]  # a ModelChoiceField

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError("The file is larger than 2 MB.")
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError("The file is not UTF-8 text.") from None
        if not (data.get("text") or "").strip():
            raise forms.ValidationError("Upload a file or paste some questions.")
        if data.get("fmt") in (None, "", "auto"):
            data["fmt"] = detect_format(getattr(upload, "name", "") or "", data["text"])
        return data


def import_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    if not (user_of(request).is_instructor and model_admin.has_add_permission(request)):
        raise PermissionDenied("Importing questions is for instructors.")
    form = QuestionImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = questions_import(
            text=data["text"],
            fmt=data["fmt"],
            section=data["section"],
            allow_partial=data["allow_partial"],
            dry_run=data["dry_run"],
            created_by=user_of(request),
            update=data["update"],
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import questions (GIFT, Aiken or Moodle XML)",
        "form": form,
        "report": report,
    }
    # A refused file (bad form, or errors and nothing imported) is a 400, with the reasons shown.
    refused = request.method == "POST" and (
        report is None or (not report.ok and report.imported == 0 and not report.dry_run)
    )
    return render(request, "quizzes/admin_io_import.html", context, status=400 if refused else 200)


def _download(text: str, filename: str, content_type: str = "text/plain") -> HttpResponse:
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, fmt: str
) -> HttpResponse:
    """The download; what the format cannot hold is left out and said in a warning."""
    questions = list(queryset.order_by("category", "section__number", "pk"))
    warnings: list[str] = []
    text = questions_export(questions=questions, fmt=fmt, warnings=warnings)
    if warnings:
        shown = "; ".join(warnings[:5]) + (
            f"; and {len(warnings) - 5} more" if len(warnings) > 5 else ""
        )
        note = f"{len(warnings)} question(s) left out of the {FORMAT_NAMES[fmt]} file: {shown}"
        modeladmin.message_user(request, note, messages.WARNING)
    if fmt == "moodlexml":
        return _download(text, "questions.moodle.xml", "application/xml")
    return _download(text, f"questions.{fmt}.txt")


@admin.action(description="Export selected questions as GIFT")
def export_gift(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> Any:
    return _export(modeladmin, request, queryset, "gift")


@admin.action(description="Export selected questions as Aiken (single choice only)")
def export_aiken(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> Any:
    return _export(modeladmin, request, queryset, "aiken")


@admin.action(description="Export selected questions as Moodle XML")
def export_moodle_xml(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> Any:
    return _export(modeladmin, request, queryset, "moodlexml")


def install(admin_class: type[admin.ModelAdmin]) -> None:
    """Add the actions, the import URL and the change-list button to the question admin."""
    admin_class.actions = [
        *(admin_class.actions or []),
        export_gift,
        export_aiken,
        export_moodle_xml,
    ]
    admin_class.change_list_template = "quizzes/admin_io_change_list.html"
    original_get_urls = admin_class.get_urls

    def get_urls(self: admin.ModelAdmin) -> list[URLPattern]:
        view = self.admin_site.admin_view(partial(import_view, self))
        return [path("import/", view, name="quizzes_question_import"), *original_get_urls(self)]

    admin_class.get_urls = get_urls  # type: ignore[method-assign]  # installed on the class


def _statistics_link(obj: Any) -> str:
    from django.urls import reverse
    from django.utils.html import format_html

    return format_html('<a href="{}">Statistics</a>', reverse("quizzes:report", args=[obj.pk]))


def install_quiz(admin_class: type[admin.ModelAdmin]) -> None:
    """A link from each quiz in the admin list to its statistics report."""
    link = admin.display(description="report")(_statistics_link)
    admin_class.statistics_link = staticmethod(link)  # type: ignore[attr-defined]  # added here
    admin_class.list_display = [*admin_class.list_display, "statistics_link"]
