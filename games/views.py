from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dlplatform import ratelimit
from dlplatform.accounts.requests import AuthenticatedHttpRequest

from . import selectors, services
from .models import Game, Round

START_LIMIT, START_WINDOW_S = 30, 60  # rounds a student may start a minute


def _index(
    request: AuthenticatedHttpRequest, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "choices": selectors.set_choices(),
        "chosen": request.POST.get("set") or request.GET.get("set", ""),
        "bests": selectors.personal_bests(user=request.user),
        "error": error,
    }
    return render(request, "games/index.html", context, status=status)


@require_GET
@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _index(request)


@require_POST
@login_required
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    game = request.POST.get("game", "")
    if game not in Game.values:
        return _index(request, error="Choose Match or Recall sprint.", status=400)
    if not ratelimit.hit(
        key=f"games:start:{request.user.pk}", limit=START_LIMIT, window_s=START_WINDOW_S
    ):
        response = _index(request, error="Too many rounds started; wait a minute.", status=429)
        response["Retry-After"] = str(START_WINDOW_S)
        return response
    try:
        game_set = selectors.game_set(request.POST.get("set", ""))
        begin = services.match_start if game == Game.MATCH else services.recall_start
        round = begin(user=request.user, game_set=game_set, now=timezone.now())
    except (selectors.SetError, services.GameError) as exc:
        return _index(request, error=str(exc), status=400)
    return redirect("games:play", pk=round.pk)


@require_GET
@login_required
def play(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    round = selectors.round_for_user(user=request.user, pk=pk)
    now = timezone.now()
    services.round_expire(round=round, now=now)
    if round.is_finished:
        return redirect("games:result", pk=round.pk)
    if round.game == Game.MATCH:
        elapsed_ms = int((now - round.started_at).total_seconds() * 1000)
        context = {"round": round, "tiles": services.match_tiles(round), "elapsed_ms": elapsed_ms}
        return render(request, "games/match.html", context)
    assert round.deadline is not None
    left_ms = max(0, int((round.deadline - now).total_seconds() * 1000))
    context = {
        "round": round,
        "prompt": services.recall_prompt(round),
        "left_ms": left_ms,
        "sprint_s": services.SPRINT_S,
    }
    return render(request, "games/recall.html", context)


def _match_result(request: AuthenticatedHttpRequest, round: Round) -> HttpResponse:
    before = selectors.best_time_ms(
        user=request.user, set_key=round.set_key, before=round.finished_at
    )
    context = {
        "round": round,
        "previous_best": before,
        "personal_best": round.time_ms is not None and (before is None or round.time_ms < before),
        "best": selectors.best_time_ms(user=request.user, set_key=round.set_key),
        "missed": selectors.missed_outcomes(round=round),
        "penalty_s": round.wrong * services.PENALTY_MS // 1000,
    }
    return render(request, "games/match_result.html", context)


@require_GET
@login_required
def result(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    round = selectors.round_for_user(user=request.user, pk=pk)
    services.round_expire(round=round, now=timezone.now())
    if not round.is_finished:
        return redirect("games:play", pk=round.pk)
    if round.game == Game.MATCH:
        return _match_result(request, round)
    context = {"round": round, "missed": selectors.missed_outcomes(round=round)}
    return render(request, "games/recall_result.html", context)
