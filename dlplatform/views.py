from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from dlplatform import health

from .safe_input import BadInput


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on pages with no icon link (the admin, DRF's
    browsable API): the site's icon. static() runs per request so a manifest is read lazily."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@require_GET
def ok(request: HttpRequest) -> HttpResponse:
    """The cheapest Django view there is: the yardstick for bench/web.py."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Each dependency's state; 503 when a required one (database, broker) is down."""
    status, body = health.report()
    return JsonResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 with a reason people can act on: JSON for the API, a page for the browser."""
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20  # Django's, 2.5 MB unless set
        reason = f"The request is too large: the limit is {limit:g} MB."
    elif isinstance(exception, BadInput):
        reason = str(exception)
    else:
        reason = "The request could not be understood."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": reason}, status=400)
    return render(request, "400.html", {"reason": reason}, status=400)
