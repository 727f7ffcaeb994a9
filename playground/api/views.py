from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dlplatform.accounts.requests import user_of

from .. import selectors, services
from ..models import Job
from . import serializers as s


class JobViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """My training jobs: list, submit, inspect, watch, cancel, and use the trained model."""

    def get_queryset(self) -> QuerySet[Job]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no real user
            return Job.objects.none()
        if self.action == "list":
            return selectors.jobs_for_user(user_of(self.request))
        return Job.objects.filter(user=user_of(self.request))

    def get_serializer_class(self) -> type:
        return {
            "list": s.JobListSerializer,
            "create": s.JobCreateSerializer,
            "progress": s.JobProgressSerializer,
            "predict_digit": s.DigitSerializer,
            "generate": s.PromptSerializer,
        }.get(self.action, s.JobSerializer)

    @extend_schema(request=s.JobCreateSerializer, responses={201: s.JobSerializer, 429: None})
    def create(self, request: Request) -> Response:
        ser = s.JobCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            job = services.job_submit(user=user_of(request), **ser.validated_data)
        except services.SubmissionRefused as exc:
            return _too_many(exc)
        return Response(s.JobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.JobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        job = services.job_cancel(job=self.get_object())
        return Response(s.JobSerializer(job).data)

    @extend_schema(request=None, responses=s.JobSerializer)
    @action(detail=True, methods=["post"])
    def stop(self, request: Request, pk: str) -> Response:
        """Stop and keep the model: ends at the next batch with the last completed epoch."""
        job = services.job_stop(job=self.get_object())
        return Response(s.JobSerializer(job).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since",
                int,
                description="Only the curve points after this `history_last` of an earlier "
                "answer (the page appends them); 0 or absent: all of them.",
            )
        ],
        responses=s.JobProgressSerializer,
    )
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str) -> Response:
        raw = request.query_params.get("since", "0")
        since = int(raw) if raw.isdigit() and len(raw) < 10 else 0
        return Response(s.JobProgressSerializer(self.get_object(), context={"since": since}).data)

    @extend_schema(request=s.DigitSerializer, responses={202: s.TicketSerializer, 409: None})
    @action(detail=True, methods=["post"], url_path="predict-digit")
    def predict_digit(self, request: Request, pk: str) -> Response:
        return self._infer(request, "infer_digit", s.DigitSerializer, Job.Kind.CNN)

    @extend_schema(request=s.PromptSerializer, responses={202: s.TicketSerializer, 409: None})
    @action(detail=True, methods=["post"])
    def generate(self, request: Request, pk: str) -> Response:
        return self._infer(request, "infer_text", s.PromptSerializer, Job.Kind.TEXT)

    @extend_schema(
        request=None, responses={200: s.InferenceResultSerializer, 202: s.InferenceResultSerializer}
    )
    @action(detail=True, methods=["get"], url_path=r"inference/(?P<ticket>[0-9a-f]{32})")
    def inference(self, request: Request, pk: str, ticket: str) -> Response:
        """A try-it answer: 202 while the worker is on it, 200 with the result, 409 if it failed.

        A pending ticket is held a bounded moment (PLAYGROUND_INFER_WAIT_MS) and answered as
        soon as the worker writes the answer; a 202 says in `retry_ms` when to ask again.
        Reads only the shared cache (no database)."""
        if not pk.isdigit():
            raise Http404
        try:
            poll = services.inference_poll(ticket=ticket, user=user_of(request), job_id=int(pk))
        except LookupError:
            raise Http404 from None
        except services.InferenceError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        if poll.result is None:
            return Response(
                {"status": "pending", "retry_ms": poll.retry_ms}, status=status.HTTP_202_ACCEPTED
            )
        return Response({"status": "done", "result": poll.result})

    def _infer(self, request: Request, task: str, serializer: type, kind: str) -> Response:
        # The limits first: a refused request of a flood parses nothing and reads no row.
        try:
            admission = services.inference_admit(user=user_of(request))
        except services.InferenceRefused as exc:
            return _too_many(exc)
        try:
            response = self._enqueue(request, task, serializer, kind, admission)
        except BaseException:
            services.inference_release(admission=admission)
            raise
        if response.status_code != status.HTTP_202_ACCEPTED:
            services.inference_release(admission=admission)
        return response

    def _enqueue(
        self,
        request: Request,
        task: str,
        serializer: type,
        kind: str,
        admission: services.Admission,
    ) -> Response:
        job = self.get_object()
        ser = serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        if job.kind != kind:
            return Response(
                {"detail": f"This is not a {kind} job."}, status=status.HTTP_409_CONFLICT
            )
        try:
            ticket = services.job_infer(
                job=job,
                user=user_of(request),
                task_name=task,
                payload=ser.validated_data,
                admission=admission,
            )
        except services.InferenceError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        url = reverse("playground-api:job-inference", args=[job.pk, ticket])
        return Response(
            {"ticket": ticket, "url": url, "status": "pending"},
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": url},
        )


def _too_many(exc: services.SubmissionRefused) -> Response:
    return Response(
        {"detail": str(exc)},
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(exc.retry_after)},
    )
