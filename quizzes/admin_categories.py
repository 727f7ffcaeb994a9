"""The bank's category tree in the question admin: a filter that lists the tree (a category
with everything below it) and the actions that move or copy the selected questions to a
category, through an intermediate form (quizzes/services/categories.py does the writes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .categories import CategoryPathError, clean_path, tree
from .selectors import category_counts
from .services import CategoryError, questions_copy, questions_move

TOP = "~top"  # the filter's value for questions in no category (an empty path)


class CategoryFilter(admin.SimpleListFilter):
    title = "category (and those below it)"
    parameter_name = "category"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        counts = category_counts()
        rows = [(TOP, f"Top, no category ({counts['']})")] if "" in counts else []
        for node in tree(counts):
            rows.append((node.path, f"{'— ' * node.depth}{node.name} ({node.total})"))
        return rows

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value is None:
            return queryset
        if value == TOP:
            return queryset.filter(category="")
        return queryset.filter(Q(category=value) | Q(category__startswith=value + "/"))


class CategoryForm(forms.Form):
    category = forms.CharField(
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"list": "bank-categories", "size": 60}),
        help_text=(
            "A path such as Week 1/CNNs (a new one is made); Moodle's $course$/top/ may be"
            " given. Empty: the top, no category."
        ),
    )

    def clean_category(self) -> str:
        try:
            return clean_path(self.cleaned_data["category"])
        except CategoryPathError as exc:
            raise forms.ValidationError(str(exc)) from None


def _category_action(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, verb: str
) -> HttpResponse | None:
    form = CategoryForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        category = form.cleaned_data["category"]
        where = category or "the top"
        try:
            if verb == "move":
                done = questions_move(questions=queryset, category=category)
            else:
                done = len(questions_copy(questions=queryset, category=category))
        except CategoryError as exc:
            form.add_error("category", str(exc))
        else:
            past = "Moved" if verb == "move" else "Copied"
            modeladmin.message_user(
                request, f"{past} {done} question(s) to {where}.", messages.SUCCESS
            )
            return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"{verb.capitalize()} questions to a category",
        "questions": queryset.select_related(None).only("pk", "name", "category"),
        "form": form,
        "verb": verb,
        "action": f"{verb}_to_category",
        "categories": [node.path for node in tree(category_counts())],
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return render(request, "admin/quizzes/question/category_action.html", context)


@admin.action(description="Move selected questions to a category", permissions=["change"])
def move_to_category(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    return _category_action(modeladmin, request, queryset, "move")


@admin.action(description="Copy selected questions to a category", permissions=["add"])
def copy_to_category(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    return _category_action(modeladmin, request, queryset, "copy")


def install(admin_class: type[admin.ModelAdmin]) -> None:
    """The tree filter in place of the plain category filter, and the two actions."""
    filters: list[Any] = list(admin_class.list_filter or [])
    admin_class.list_filter = [CategoryFilter if f == "category" else f for f in filters]
    admin_class.actions = [*(admin_class.actions or []), move_to_category, copy_to_category]
