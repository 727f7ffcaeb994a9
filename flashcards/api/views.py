from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dlplatform.accounts.requests import user_of

from .. import selectors, services
from ..models import Deck, ReviewLog
from .serializers import (
    CardSerializer,
    DeckSerializer,
    ReviewCreateSerializer,
    ReviewLogSerializer,
    ReviewResultSerializer,
)


class DeckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Decks with this user's counts (total, new, due). Decks are shared; counts are personal."""

    serializer_class = DeckSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Deck.objects.select_related("section").order_by("id")

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        selectors.decks_with_counts(user=user_of(request), now=timezone.now(), decks=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self) -> Deck:
        deck = super().get_object()
        selectors.decks_with_counts(user=user_of(self.request), now=timezone.now(), decks=[deck])
        return deck

    @extend_schema(responses=CardSerializer(many=True))
    @action(detail=True, methods=["get"])
    def due(self, request: Request, slug: str | None = None) -> Response:
        """The cards of this deck due now for the current user, in study order."""
        deck = get_object_or_404(Deck, slug=slug)
        cards = selectors.due_cards(user=user_of(request), deck=deck, now=timezone.now())
        page = self.paginate_queryset(cards)
        return self.get_paginated_response(CardSerializer(page, many=True).data)


class ReviewViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The current user's reviews; POST grades a card and returns the next due card."""

    serializer_class = ReviewLogSerializer

    def get_queryset(self) -> QuerySet[ReviewLog]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ReviewLog.objects.none()
        return ReviewLog.objects.filter(user=user_of(self.request)).order_by("-reviewed_at", "-id")

    @extend_schema(request=ReviewCreateSerializer, responses={201: ReviewResultSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        incoming = ReviewCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        card = incoming.validated_data["card"]
        now = timezone.now()
        log = services.review_card(
            user=user_of(request),
            card=card,
            rating=incoming.validated_data["rating"],
            now=now,
            duration_ms=incoming.validated_data.get("duration_ms"),
        )
        due = selectors.due_cards(user=user_of(request), deck=card.deck, now=now)
        next_card = due.first()
        result = {
            "review": log,
            "next_card": next_card,
            "due": due.count() if next_card else 0,
            "next_due": None
            if next_card
            else selectors.next_due_at(user=user_of(request), deck=card.deck, now=now),
        }
        return Response(ReviewResultSerializer(result).data, status=status.HTTP_201_CREATED)
