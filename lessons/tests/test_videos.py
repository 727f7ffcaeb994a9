"""Section videos: links checked at save, nothing external before a click, CSP for the players."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lessons.videos import EMBED_ORIGINS, SectionVideo, parse_video_link


@pytest.mark.parametrize(
    ("url", "provider", "video_id"),
    [
        ("https://www.youtube.com/watch?v=aircAruvnKk", "youtube", "aircAruvnKk"),
        ("https://youtu.be/aircAruvnKk?t=30", "youtube", "aircAruvnKk"),
        ("https://www.youtube.com/embed/aircAruvnKk", "youtube", "aircAruvnKk"),
        ("https://www.youtube-nocookie.com/embed/aircAruvnKk", "youtube", "aircAruvnKk"),
        ("https://vimeo.com/76979871", "vimeo", "76979871"),
        ("https://player.vimeo.com/video/76979871?h=abc", "vimeo", "76979871"),
        ("https://example.org/lectures/cnn", "link", ""),
    ],
)
def test_links_are_parsed(url, provider, video_id):
    assert parse_video_link(url) == (provider, video_id)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://www.youtube.com/watch?v=aircAruvnKk", "https"),
        ("javascript:alert(1)", "https"),
        ("https://www.youtube.com/watch?v=short", "YouTube"),
        ("https://www.youtube.com/channel/UCYO_jab_esuFRV4b17AJtAw", "YouTube"),
        ("https://vimeo.com/about", "Vimeo"),
    ],
)
def test_bad_links_are_a_field_error(course, url, message):
    video = SectionVideo(section=course["9.1"], title="A video", url=url)
    with pytest.raises(ValidationError) as caught:
        video.full_clean()
    assert message in " ".join(caught.value.message_dict["url"])
    with pytest.raises(ValidationError):
        video.save()
    assert not SectionVideo.objects.exists()


def _add_videos(section):
    SectionVideo.objects.create(
        section=section, title="Backprop, visually", url="https://youtu.be/aircAruvnKk",
        duration_s=754, watch_for="How the error flows back one layer at a time.", order=1,
    )  # fmt: skip
    SectionVideo.objects.create(
        section=section, title="A talk", url="https://vimeo.com/76979871", order=2
    )
    SectionVideo.objects.create(
        section=section, title="Course notes", url="https://example.org/notes", order=3
    )


def test_section_page_loads_nothing_external_before_a_click(anon_client, course):
    _add_videos(course["9.1"])
    html = anon_client.get(reverse("lessons:section", args=["9.1"])).content.decode()

    assert "Backprop, visually" in html and "12:34" in html and "How the error flows" in html
    sources = re.findall(r"""\bsrc(?:set)?\s*=\s*["']?([^"'\s>]+)""", html)
    assert sources, "the page has scripts and the placeholder"
    assert [s for s in sources if re.match(r"(?i)(https?:)?//", s)] == []
    assert "<iframe" not in html
    assert (
        'data-embed="https://www.youtube-nocookie.com/embed/aircAruvnKk?autoplay=1&amp;rel=0"'
        in html
    )
    assert 'data-embed="https://player.vimeo.com/video/76979871?dnt=1&amp;autoplay=1"' in html
    assert 'href="https://example.org/notes" target="_blank" rel="noopener noreferrer"' in html
    assert html.index("Backprop, visually") < html.index("A talk") < html.index("Course notes")
    assert '<a href="#videos">Videos</a>' in html  # the table of contents lists them


def _frame_src(response) -> list[str]:
    directives = dict(
        (part.split()[0], part.split()[1:])
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    return directives.get("frame-src", [])


def test_csp_allows_exactly_the_player_origins_on_a_section_with_videos(anon_client, course):
    _add_videos(course["9.1"])
    with_videos = anon_client.get(reverse("lessons:section", args=["9.1"]))
    assert sorted(_frame_src(with_videos)) == sorted(EMBED_ORIGINS)
    assert "script-src 'self'" in with_videos["Content-Security-Policy"]
    # A section without videos and every other page keep the default (frames from 'self' only).
    assert _frame_src(anon_client.get(reverse("lessons:section", args=["9.2"]))) == []
    assert _frame_src(anon_client.get(reverse("lessons:index"))) == []


def test_a_new_video_shows_on_the_cached_page(anon_client, course):
    url = reverse("lessons:section", args=["9.1"])
    before = anon_client.get(url).content.decode()
    assert "Backprop, visually" not in before and 'href="#videos"' not in before
    _add_videos(course["9.1"])
    assert "Backprop, visually" in anon_client.get(url).content.decode()


def test_the_section_admin_has_the_videos_inline(client, course, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "r@example.org", "pw-root-123")
    client.force_login(admin)
    url = reverse("admin:lessons_section_change", args=[course["9.1"].pk])
    html = client.get(url).content.decode()
    assert 'name="videos-TOTAL_FORMS"' in html and 'name="videos-0-url"' not in html
    assert 'name="videos-__prefix__-watch_for"' in html
