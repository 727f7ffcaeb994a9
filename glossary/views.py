"""Public glossary pages: the A-Z index (with category filter and ?q= search) and term pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .hooks import term_uses
from .models import Category, Term
from .rendering import render_markdown
from .selectors import LETTERS, term_get, term_letter_page, term_search

SEARCH_PAGE_LIMIT = 50


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    context = {
        "query": query,
        "results": term_search(query=query, limit=SEARCH_PAGE_LIMIT) if query else [],
        "categories": Category.choices,
        "category": category,
        "category_label": Category(category).label if category else "",
    }
    if not query:
        context.update(_letter_context(request, category))
    return render(request, "glossary/index.html", context)


def _letter_context(request: HttpRequest, category: str) -> dict[str, Any]:
    """The A-Z bar (a link and a count per letter) and the page of terms it points at."""
    letter = _letter_from_slug(request.GET.get("letter", ""))
    page_number = request.GET.get("page", "")
    page = term_letter_page(
        category=category, letter=letter, page=int(page_number) if page_number.isdigit() else 1
    )
    base = {"category": category} if category else {}

    def link(key: str, number: int = 1) -> str:
        if not page.letter:  # the whole glossary is on this page: jump within it
            return f"#letter-{_letter_slug(key)}"
        params = {**base, "letter": _letter_slug(key), **({"page": number} if number > 1 else {})}
        return f"?{urlencode(params)}"

    letters = [
        {
            "key": key,
            "slug": _letter_slug(key),
            "count": page.counts.get(key, 0),
            "href": link(key) if page.counts.get(key) else "",
            "current": key == page.letter,
        }
        for key in LETTERS
    ]
    pages = [{"number": n, "href": link(page.letter, n)} for n in range(1, page.pages + 1)]
    return {
        "letters": letters,
        "groups": [(key, _letter_slug(key), terms) for key, terms in page.groups],
        "letter_page": page,
        "letter_count": page.counts.get(page.letter, 0),
        "pages": pages if page.pages > 1 else [],
    }


def _letter_slug(key: str) -> str:
    return "num" if key == "#" else key


def _letter_from_slug(slug: str) -> str:
    slug = slug.strip().upper()
    return "#" if slug == "NUM" else slug


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
