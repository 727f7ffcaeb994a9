"""Pages of the playground. Thin: validation in forms, writes in services, reads in selectors."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dlplatform import safe_input
from dlplatform.accounts.requests import AuthenticatedHttpRequest

from . import datasets, forecast, selectors, services
from .forms import FORMS, RunForm
from .models import Job
from .training.config import CELLS, CNN_PRESETS, GENERATE, PROMPT_MAX_CHARS, builder_schema
from .training.estimate import ShapeError

COMPARE_GROUPS = (("cnn", "CNN runs on digits"), ("text", "character-model runs on text"))


def _get_job_for_user(request: AuthenticatedHttpRequest, pk: int) -> Job:
    """The one place that fetches a job and checks it is the user's: anyone else's is a 404."""
    return get_object_or_404(Job, pk=pk, user=request.user)


def share_query(kind: str, config: dict[str, Any]) -> str:
    """A link to a new-run form filled with `config`: shareable, exposes no job."""
    if config.get("corpus") == "pasted":
        config = {**config, "text": ""}  # pasted text is too long for a link: the clone asks for it
    blob = base64.urlsafe_b64encode(json.dumps(config, separators=(",", ":")).encode()).decode()
    cell = f"&cell={config.get('cell')}" if kind == "text" else ""
    return f"{reverse('playground:new')}?experiment={kind}{cell}&config={blob}"


def _initial(request: AuthenticatedHttpRequest, kind: str) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    if kind == "text" and request.GET.get("cell") in CELLS:
        initial["cell"] = request.GET["cell"]
    try:
        shared = safe_input.loads(
            base64.urlsafe_b64decode(request.GET.get("config", "").encode()) or "{}"
        )
    except (binascii.Error, ValueError):
        shared = {}
    if isinstance(shared, dict):
        initial.update(shared)
    if kind == "cnn":
        initial.setdefault("blocks", CNN_PRESETS["default"])
        # The preset box names the preset these blocks are (the default network is "default",
        # not "custom"); blocks that match none are custom.
        matching = [name for name, blocks in CNN_PRESETS.items() if blocks == initial["blocks"]]
        initial["preset"] = matching[0] if matching else ""
        initial["blocks"] = json.dumps(initial["blocks"])
    return initial


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    jobs = selectors.jobs_for_user(request.user)[:100]
    return render(
        request, "playground/index.html", {"jobs": jobs, "available": datasets.available()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request: AuthenticatedHttpRequest) -> HttpResponse:
    kind = request.POST.get("kind") or request.GET.get("experiment", "cnn")
    kind = kind if kind in FORMS else "cnn"
    form = FORMS[kind](request.POST or None, initial=_initial(request, kind))
    status, retry_after = 200, 0
    if request.method == "POST" and form.is_valid():
        try:
            job = services.job_submit(
                user=request.user,
                kind=kind,
                config=form.config(),
                title=form.cleaned_data.get("title") or "",
            )
            return redirect("playground:job", pk=job.pk)
        except services.SubmissionRefused as exc:
            form.add_error(None, str(exc))
            status = 429
            retry_after = exc.retry_after
    context = {"form": form, "kind": kind, "presets": CNN_PRESETS, "builder": builder_schema()}
    context["digits_ready"] = bool(datasets.available())
    response = render(request, "playground/new.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(retry_after)
    return response


@login_required
@require_POST
def estimate(request: AuthenticatedHttpRequest) -> JsonResponse:
    """Live parameter count, compute and time for the form as it is now (no submission)."""
    form: RunForm = FORMS.get(request.POST.get("kind", "cnn"), FORMS["cnn"])(request.POST)
    valid = form.is_valid()
    body: dict[str, Any] = {
        "valid": valid,
        "errors": form.errors.get_json_data() if not valid else {},
    }
    try:
        if "blocks" in getattr(form, "cleaned_data", {}) or form.kind == "text":
            # Each kind with its own calibration, and when the queue lets it start.
            est = forecast.estimate(form.kind, form.config())
            body["estimate"] = est.as_dict()
            wait = forecast.forecast(user_id=request.user.pk, seconds=est.seconds)
            body["queue"] = {**wait, "message": forecast.phrase(wait["starts_in_s"], est.seconds)}
    except (ShapeError, KeyError, TypeError, ValueError) as exc:
        body["estimate"] = None
        body.setdefault("errors", {})["blocks"] = [{"message": str(exc)}]
    return JsonResponse(body)


@login_required
@require_GET
def job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _get_job_for_user(request, pk)
    data = {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "api": reverse("playground-api:job-progress", args=[job.pk]),
        "predict": reverse("playground-api:job-predict-digit", args=[job.pk]),
        "generate": reverse("playground-api:job-generate", args=[job.pk]),
    }
    context = {
        "job": job,
        "page_data": data,
        "share": share_query(job.kind, job.config),
        "data_dir": datasets.root(),
        # A keyboard alternative to drawing: pick one of these test images, then Predict.
        "example_digits": datasets.example_digits() if job.kind == "cnn" else [],
        # The text model's prompt controls, with the API's bounds (training/config.py).
        "generate": {
            "max_chars": PROMPT_MAX_CHARS,
            "temperature": GENERATE["temperature"].as_json(),
        },
    }
    if job.status == Job.Status.QUEUED:
        wait = forecast.forecast(user_id=job.user_id, job_pk=job.pk)
        context["queue_message"] = forecast.phrase(
            wait["starts_in_s"], forecast.job_seconds(job.kind, job.config)
        )
    return render(request, "playground/job.html", context)


@login_required
@require_POST
def job_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = services.job_cancel(job=_get_job_for_user(request, pk))
    messages.info(
        request, "Cancelled." if job.status == "cancelled" else "Cancelling at the next batch…"
    )
    return redirect("playground:job", pk=job.pk)


@login_required
@require_GET
def compare(request: AuthenticatedHttpRequest) -> HttpResponse:
    ids = [int(x) for x in request.GET.getlist("ids") if x.isdigit()]
    jobs = selectors.jobs_by_ids(request.user, ids)
    curves = [
        {
            "id": j.pk,
            "url": reverse("playground:job", args=[j.pk]),
            "kind": j.kind,
            "label": f"#{j.pk} {j.title or j.kind} {j.config.get('cell', '')}".strip(),
            "history": selectors.job_history(j)[0],
        }
        for j in jobs
    ]
    # One axis per kind of run: a CNN's loss over 10 classes and a character model's over its
    # vocabulary are on different scales, and one axis would flatten the smaller.
    groups = [
        {"kind": kind, "title": title, "curves": [c for c in curves if c["kind"] == kind]}
        for kind, title in COMPARE_GROUPS
    ]
    return render(
        request,
        "playground/compare.html",
        {
            "jobs": jobs,
            "groups": [g for g in groups if g["curves"]],
            "choices": selectors.jobs_for_user(request.user)[:50],
        },
    )


@login_required
@require_GET
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_instructor:
        raise PermissionDenied
    return render(
        request,
        "playground/queue.html",
        {"state": selectors.queue_state(), "jobs": selectors.all_jobs()},
    )


@login_required
@require_POST
def job_stop(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = services.job_stop(job=_get_job_for_user(request, pk))
    messages.info(
        request,
        "Cancelled: it had not started."
        if job.status == "cancelled"
        else "Stopping at the next batch; the model of the last completed epoch is kept…",
    )
    return redirect("playground:job", pk=job.pk)
