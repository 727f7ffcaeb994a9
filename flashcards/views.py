from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dlplatform.accounts.requests import AuthenticatedHttpRequest
from lessons.models import Section

from . import hooks, selectors
from .content import section_deck_slug
from .export import deck_apkg, deck_csv
from .models import Deck


@require_GET
@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    decks = selectors.decks_with_counts(user=request.user, now=timezone.now())
    context = {
        "section_decks": [d for d in decks if d.section_id],
        "glossary_decks": [d for d in decks if not d.section_id],
    }
    return render(request, "flashcards/index.html", context)


@require_GET
@login_required
def study(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    deck = get_object_or_404(Deck.objects.select_related("section"), slug=slug)
    now = timezone.now()
    due = selectors.due_cards(user=request.user, deck=deck, now=now)
    card = due.first()
    context = {
        "deck": deck,
        "card": card,
        "due": due.count() if card else 0,
        "next_due": None if card else selectors.next_due_at(user=request.user, deck=deck, now=now),
    }
    return render(request, "flashcards/study.html", context)


@require_GET
@login_required
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    stats = selectors.study_history(user=request.user, now=now)
    panels = hooks.history_panels(user=request.user, now=now)
    return render(request, "flashcards/history.html", {"history": stats, "panels": panels})


@require_GET
@login_required
def section(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    get_object_or_404(Section, number=number)
    deck = get_object_or_404(Deck, slug=section_deck_slug(number))
    return redirect("flashcards:study", slug=deck.slug)


@require_GET
@login_required
def export_csv(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    deck = get_object_or_404(Deck, slug=slug)
    response = HttpResponse(deck_csv(deck), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{deck.slug}.csv"'
    return response


@require_GET
@login_required
def export_apkg(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    deck = get_object_or_404(Deck, slug=slug)
    response = HttpResponse(deck_apkg(deck), content_type="application/apkg")
    response["Content-Disposition"] = f'attachment; filename="{deck.slug}.apkg"'
    return response
