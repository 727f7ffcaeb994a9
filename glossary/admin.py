from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from .forms import ImportForm
from .hooks import deck_importer
from .importing import glossary_import_items
from .models import Term
from .services import term_index_invalidate, term_refresh_search_vectors
from .textformats import ParseError, parse


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "category", "slug", "updated_at"]
    list_filter = ["category"]
    search_fields = ["name", "abbreviation", "slug", "definition"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["related"]  # a search box: the glossary grows to thousands of terms
    readonly_fields = ["updated_at"]
    actions = ["refresh_search"]
    change_list_template = "admin/glossary/term/change_list.html"

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Admin edits must be searchable at once, like imported and loaded terms.
        term_refresh_search_vectors(slugs=[form.instance.slug])
        term_index_invalidate()

    @admin.action(description="Rebuild search data for the selected terms")
    def refresh_search(self, request: HttpRequest, queryset: QuerySet[Term]) -> None:
        count = term_refresh_search_vectors(slugs=queryset.values_list("slug", flat=True))
        term_index_invalidate()
        self.message_user(request, f"Search data rebuilt for {count} terms.", messages.SUCCESS)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="glossary_term_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            result = self._run_import(request, form.cleaned_data)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import terms or cards from text",
            "form": form,
            "result": result,
        }
        refused = request.method == "POST" and (not form.is_valid() or "errors" in (result or {}))
        return TemplateResponse(
            request, "admin/glossary/term/import.html", context, status=400 if refused else 200
        )

    def _run_import(self, request: HttpRequest, data: dict) -> dict | None:
        summary: object  # a deck's or the glossary's import report: printed below
        lists: dict[str, list[str] | int]
        try:
            fmt, items = parse(data["file"], fmt=data["format"] or None)
            if data["deck"]:
                deck = deck_importer()(
                    deck_slug=data["deck"],
                    items=items,
                    dry_run=data["dry_run"],
                    user=request.user,
                    filename=_upload_name(data),
                )
                lists = {"created": deck.created_fronts, "updated": deck.updated_fronts}
                summary = deck
            else:
                summary = glossary_import_items(
                    items=items,
                    fmt=fmt,
                    category=data["category"],
                    dry_run=data["dry_run"],
                    user=request.user,
                    filename=_upload_name(data),
                )
                lists = {"created": summary.created, "updated": summary.updated}
                lists["skipped"] = summary.skipped
        except ParseError as exc:
            return {"errors": [f"line {line}: {message}" for line, message in exc.errors]}
        except (LookupError, ValueError) as exc:
            return {"errors": [str(exc)]}
        level = messages.INFO if data["dry_run"] else messages.SUCCESS
        self.message_user(request, f"{len(items)} items ({fmt}): {summary}", level)
        return {"lists": lists, "dry_run": data["dry_run"]}


def _upload_name(data: dict) -> str:
    # The form hands over the decoded text; the upload's name, when it kept one, is recorded.
    return str(data.get("filename") or "admin upload")
