"""Serving a topic's rendered audio (with range requests, so a player can seek) and its
WebVTT captions. Section pages are public, and so is their audio.

The URL names the content hash, so a file at a URL never changes: it is cached for a year,
and a re-render (a new hash) is a new URL. A stale hash is a 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from . import audio, captions, ranges, selectors
from .models import AudioKind, AudioTrack

CACHE_FOREVER = "public, max-age=31536000, immutable"


def _ready_track(pk: int, digest: str) -> AudioTrack:
    track = selectors.audio_track(pk)
    if track is None or track.content_hash != digest or not track.is_ready:
        raise Http404("No such recording.")
    return track


def _read(track: AudioTrack, start: int, end: int) -> bytes:
    with track.file.open("rb") as handle:
        handle.seek(start)
        return handle.read(end - start + 1)


@require_safe
def audio_file(request: HttpRequest, pk: int, digest: str) -> HttpResponse:
    track = _ready_track(pk, digest)
    try:
        size = track.file.size
    except OSError:
        raise Http404("The recording's file is missing.") from None
    etag = quote_etag(digest)
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": CACHE_FOREVER,
        "ETag": etag,
        "Last-Modified": http_date(track.rendered_at.timestamp()) if track.rendered_at else "",
    }
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304, headers=headers)
    wanted = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if if_range and if_range != etag:
        wanted = None  # the client holds another version: send the whole file
    try:
        span = ranges.parse(wanted, size)
    except ranges.Unsatisfiable:
        return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    start, end = span or (0, size - 1)
    body = b"" if request.method == "HEAD" else _read(track, start, end)
    response = HttpResponse(body, content_type=audio.CONTENT_TYPE, headers=headers)
    if span is not None:
        response.status_code = 206
        response["Content-Range"] = ranges.content_range(start, end, size)
    response["Content-Length"] = str(end - start + 1)
    return response


@require_safe
def audio_captions(request: HttpRequest, pk: int, digest: str) -> HttpResponse:
    track = _ready_track(pk, digest)
    text = captions.webvtt(track.lines, track.timings, voices=track.kind == AudioKind.DIALOGUE)
    response = HttpResponse(text, content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = CACHE_FOREVER
    return response
