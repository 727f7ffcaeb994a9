from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dlplatform import ratelimit
from dlplatform.accounts.requests import user_of

from .. import selectors, services
from ..models import Round
from .serializers import (
    AnswerResultSerializer,
    AnswerSerializer,
    PickResultSerializer,
    PickSerializer,
    RoundSerializer,
)

# Picks and answers a student may send a second: far above a person's pace, below a script's.
MOVE_LIMIT = 10


class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The current user's game rounds; `pick` plays Match, `answer` plays Recall sprint."""

    serializer_class = RoundSerializer

    def get_queryset(self) -> QuerySet[Round]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Round.objects.none()
        return Round.objects.filter(user=user_of(self.request)).order_by("-started_at")

    def _move(self, request: Request, pk: str | None) -> Round:
        round = selectors.round_for_user(user=user_of(request), pk=str(pk))
        if not ratelimit.hit(key=f"games:move:{round.user_id}", limit=MOVE_LIMIT, window_s=1):
            raise Throttled(wait=1)
        return round

    @staticmethod
    def _result_url(round: Round) -> str:
        return reverse("games:result", args=[round.pk])

    @extend_schema(request=PickSerializer, responses=PickResultSerializer)
    @action(detail=True, methods=["post"])
    def pick(self, request: Request, pk: str | None = None) -> Response:
        """Match: is this term and this definition a pair? The server keeps the time."""
        round = self._move(request, pk)
        incoming = PickSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            result = services.match_pick(round=round, now=timezone.now(), **incoming.validated_data)
        except services.GameError as exc:
            raise ValidationError({exc.field: [str(exc)]}) from exc
        data: dict[str, Any] = {**dataclasses.asdict(result), "result_url": self._result_url(round)}
        return Response(PickResultSerializer(data).data)

    @extend_schema(request=AnswerSerializer, responses=AnswerResultSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        """Recall sprint: the term typed for the current definition (empty: skip)."""
        round = self._move(request, pk)
        incoming = AnswerSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            result = services.recall_answer(
                round=round, answer=incoming.validated_data["answer"], now=timezone.now()
            )
        except services.GameError as exc:
            raise ValidationError({exc.field: [str(exc)]}) from exc
        data: dict[str, Any] = {**dataclasses.asdict(result), "result_url": self._result_url(round)}
        return Response(AnswerResultSerializer(data).data)
