"""Public glossary pages: the A-Z index (with category filter and ?q= search) and term pages."""

from __future__ import annotations

from string import ascii_uppercase

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .hooks import term_uses
from .models import Category, Term
from .rendering import render_markdown
from .selectors import term_get, term_index_groups, term_search

SEARCH_PAGE_LIMIT = 50


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    groups = [] if query else term_index_groups(category=category)
    present = {letter for letter, _ in groups}
    context = {
        "query": query,
        "results": term_search(query=query, limit=SEARCH_PAGE_LIMIT) if query else [],
        "groups": groups,
        "letters": [(letter, letter in present) for letter in [*ascii_uppercase, "#"]],
        "categories": Category.choices,
        "category": category,
        "category_label": Category(category).label if category else "",
    }
    return render(request, "glossary/index.html", context)


@require_safe
def term(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = term_get(slug=slug)
    except Term.DoesNotExist as exc:
        raise Http404("No such term") from exc
    context = {
        "term": found,
        "explanation": render_markdown(found.explanation, link=True, skip=[found.slug]),
        # What the apps above add (the lesson sections that use the term): glossary/hooks.py.
        "panels": [(use.template, use.uses(found)) for use in term_uses()],
    }
    return render(request, "glossary/term.html", context)
