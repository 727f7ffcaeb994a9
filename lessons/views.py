from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import page_cache, selectors, services
from .models import Depth, Section
from .videos import EMBED_CSP, section_videos


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    chapters = selectors.course_outline(user=request.user)
    sections = [s for ch in chapters for s in ch.sections]
    read = sum(ch.read for ch in chapters)
    unread = [s for ch in chapters for s in ch.sections if s.number not in ch.read_numbers]
    context = {
        "chapters": chapters,
        "total": len(sections),
        "read": read,
        "next_section": unread[0] if unread and read else None,
    }
    return render(request, "lessons/index.html", context)


@require_GET
def section(request: HttpRequest, number: str) -> HttpResponse:
    page = page_cache.section_page(number)
    if page is None:
        raise Http404("No such section.")
    saved_depth, is_read = selectors.reader_state(request.user, page.section)
    requested = request.GET.get("depth")
    depth = requested if requested in Depth.values else saved_depth
    context = {
        "section": page.section,
        "topics": page.topics,
        "terms": page.terms,
        "prerequisites": page.prerequisites,
        "depth": depth,
        "depths": Depth.choices,
        "is_read": is_read,
        "quiz_url": page.quiz_url,
        "previous": page.previous,
        "next": page.following,
        "body_version": page.body_version,
        "videos": section_videos(page.section.pk),
    }
    response = render(request, "lessons/section.html", context)
    if context["videos"]:
        # What csp_update does, for only the sections whose page can open a player.
        response._csp_update = EMBED_CSP  # type: ignore[attr-defined]
    return response


@require_POST
@login_required
def mark_read(request: HttpRequest, number: str) -> HttpResponse:
    obj = get_object_or_404(Section, number=number)
    read = request.POST.get("read", "1") != "0"
    services.section_set_read(user=request.user, section=obj, read=read, now=timezone.now())
    return redirect(obj.get_absolute_url() + "#progress")


@require_POST
@login_required
def set_depth(request: HttpRequest) -> HttpResponse:
    depth = request.POST.get("depth", "")
    if depth not in Depth.values:
        return HttpResponseBadRequest("unknown depth")
    services.depth_preference_set(user=request.user, depth=depth)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"depth": depth})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "lessons:index"
    return redirect(target)
