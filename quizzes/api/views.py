"""Quizzes API: the same services and presenters as the pages, so the same integrity rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from dlplatform.accounts.requests import user_of

from .. import paging, selectors, services
from ..models import Attempt, AttemptQuestion, AttemptState, Quiz
from ..presenters import present_attempt, present_item, present_results
from ..review import review_options
from ..tokens import UnknownToken, decode_response
from . import serializers as s

T = TypeVar("T")
STATUS_BY_CODE = {
    "invalid": 400,
    "not_found": 404,
    "not_open": 403,
    "no_attempts_left": 403,
    "wait": 403,
    "must_pass_previous": 403,
    "locked": 409,
    "closed": 409,
    "finished": 409,
    "conflict": 409,
    "not_current_page": 409,
}


class Refused(APIException):
    def __init__(self, exc: services.AttemptError) -> None:
        super().__init__(detail={"detail": str(exc), "code": exc.code})
        self.status_code = STATUS_BY_CODE.get(exc.code, 400)


def _attempt_payload(attempt: Attempt) -> dict:
    """In sequential navigation an open attempt shows only its current page's questions (the
    later ones are not reached yet, the earlier ones are closed), as the page does."""
    now = timezone.now()
    items = selectors.attempt_items_for_display(attempt=attempt)
    if attempt.state == AttemptState.IN_PROGRESS and paging.is_sequential(attempt.quiz):
        pages = paging.Pages.of(attempt, len(items))
        items = [item for item in items if pages.holds(item.order)]
    return present_attempt(attempt, items, now=now)


class QuizViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.QuizSerializer

    def get_queryset(self) -> QuerySet[Quiz]:
        return selectors.visible_quizzes()

    @extend_schema(request=s.StartRequestSerializer, responses={201: s.AttemptSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str | None = None) -> Response:
        """Start (or resume) an attempt at this quiz; `password` when the quiz asks one."""
        quiz = self.get_object()
        body = s.StartRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            attempt = services.attempt_start(
                quiz=quiz, user=user_of(request), now=timezone.now(), **body.validated_data
            )
        except services.AttemptError as exc:
            if exc.code == "password":  # a field-level 400, never echoing what was sent
                raise ValidationError({"password": [str(exc)]}) from None
            raise Refused(exc) from None
        data = s.AttemptSerializer(_attempt_payload(attempt)).data
        return Response(data, status=status.HTTP_201_CREATED)


class AttemptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A student's own attempts; anyone else's is a 404."""

    serializer_class = s.AttemptSummarySerializer

    def get_queryset(self) -> QuerySet[Attempt]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Attempt.objects.none()
        return selectors.user_attempts(user=user_of(self.request))

    def _attempt(self) -> Attempt:
        attempt = self.get_object()
        return services.attempt_submit_if_overdue(attempt=attempt, now=timezone.now())

    @extend_schema(responses=s.AttemptSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(s.AttemptSerializer(_attempt_payload(self._attempt())).data)

    def _item_payload(self, attempt: Attempt, question_id: int) -> dict:
        item = selectors.attempt_item(attempt=attempt, question_id=question_id)
        return present_item(item, review=review_options(attempt=attempt, now=timezone.now()))

    @extend_schema(request=s.AnswerRequestSerializer, responses=s.SavedSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        """Autosave one answer (refused after the deadline or once the question is locked)."""
        body = s.AnswerRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            saved = services.answer_autosave(
                user_id=user_of(request).pk,
                attempt_id=_pk(pk),
                now=timezone.now(),
                **body.validated_data,
            )
        except services.AttemptError as exc:
            raise Refused(exc) from None
        except UnknownToken as exc:
            raise ValidationError({"response": [str(exc)]}) from None
        return Response(s.SavedSerializer(saved).data)

    @extend_schema(request=s.CheckRequestSerializer, responses=s.ItemSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request: Request, pk: str | None = None) -> Response:
        """Immediate / interactive behaviour: grade one answer now."""
        body = s.CheckRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attempt, data = self.get_object(), dict(body.validated_data)
        if data.get("response") is not None:  # only once the attempt is known to be theirs
            try:
                data["response"] = decode_response(attempt_id=attempt.pk, **data)
            except UnknownToken as exc:
                raise ValidationError({"response": [str(exc)]}) from None
        item = self._run(services.attempt_check_answer, data, attempt)
        return Response(s.ItemSerializer(self._item_payload(item.attempt, item.question_id)).data)

    @extend_schema(request=s.FlagRequestSerializer, responses=s.SavedSerializer)
    @action(detail=True, methods=["post"])
    def flag(self, request: Request, pk: str | None = None) -> Response:
        return self._action(request, s.FlagRequestSerializer, services.attempt_flag, _saved)

    @extend_schema(request=s.CertaintyRequestSerializer, responses=s.SavedSerializer)
    @action(detail=True, methods=["post"])
    def certainty(self, request: Request, pk: str | None = None) -> Response:
        """Certainty-based marking: how sure the student is of one answer."""
        return self._action(
            request, s.CertaintyRequestSerializer, services.attempt_set_certainty, _saved
        )

    @extend_schema(request=s.PageRequestSerializer, responses=s.AttemptSerializer)
    @action(detail=True, methods=["post"])
    def page(self, request: Request, pk: str | None = None) -> Response:
        """Sequential navigation: move to the next page (never back)."""
        return self._action(
            request,
            s.PageRequestSerializer,
            services.attempt_turn_page,
            _attempt_payload,
            out=s.AttemptSerializer,
        )

    @extend_schema(request=None, responses=s.ResultsSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Finish and grade; submitting again returns the same result."""
        services.attempt_submit(attempt=self.get_object(), now=timezone.now())
        return self._results()

    @extend_schema(responses=s.ResultsSerializer)
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: str | None = None) -> Response:
        return self._results()

    def _results(self) -> Response:
        attempt = self._attempt()
        if attempt.state == AttemptState.IN_PROGRESS:
            raise Refused(services.AttemptError("This attempt is not submitted yet.", "invalid"))
        items = selectors.attempt_items_for_display(attempt=attempt)
        payload = present_results(attempt, items, now=timezone.now())
        return Response(s.ResultsSerializer(payload).data)

    def _action(
        self,
        request: Request,
        incoming: type[Serializer],
        service: Callable[..., T],
        present: Callable[[T], dict],
        out: type[Serializer] = s.SavedSerializer,
    ) -> Response:
        """Validate the body with `incoming`, run `service` on this attempt with it (a refusal
        is a Refused), and answer `present(result)` through `out`."""
        body = incoming(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(out(present(self._run(service, dict(body.validated_data)))).data)

    def _run(self, service: Callable[..., T], data: dict, attempt: Attempt | None = None) -> T:
        try:
            return service(attempt=attempt or self.get_object(), now=timezone.now(), **data)
        except services.AttemptError as exc:
            raise Refused(exc) from None


def _pk(pk: str | None) -> int:
    """The attempt id from the URL; anything else is a 404, as get_object() would answer."""
    value = int(pk) if pk and pk.isdigit() else 0
    if not 0 < value < 2**63:
        raise NotFound
    return value


def _saved(item: AttemptQuestion) -> dict:
    return {
        "question_id": item.question_id,
        "answered": item.answered,
        "flagged": item.flagged,
        "locked": item.locked,
    }
