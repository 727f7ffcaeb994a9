"""The content gate: the REAL bundled glossary and sections load, and every section renders fully.

This fails while the content writers are still working, and whenever a section uses a glossary
slug that the glossary does not define.
"""

import io

import pytest
from django.urls import reverse

from lessons.content import read_section_files
from lessons.models import Section

EXPECTED_SECTIONS = [
    *("6.1", "6.2", "6.3", "6.4", "6.5"),
    *("7.6", "7.7", "7.8"),
    *("8.1", "8.2", "8.3", "8.4", "8.5", "8.6"),
]


@pytest.fixture
def real_course(db):
    from glossary import content as glossary_content
    from lessons import content

    glossary_content.load(stdout=io.StringIO())
    content.load(stdout=io.StringIO())
    return list(Section.objects.prefetch_related("topics"))


def test_all_eight_sections_are_bundled():
    numbers = [str(data.get("number")) for _, data in read_section_files()]

    assert numbers == EXPECTED_SECTIONS


@pytest.mark.slow
def test_every_real_section_renders_every_part(real_course, anon_client):
    assert [s.number for s in real_course] == EXPECTED_SECTIONS
    for section in real_course:
        response = anon_client.get(reverse("lessons:section", args=[section.number]))
        assert response.status_code == 200, section.number
        html = response.content.decode()
        for depth in ("basic", "standard", "detailed"):
            assert section.overview(depth).strip(), f"{section.number} has no {depth} overview"
            assert f'id="panel-{depth}"' in html
        assert 5 <= len(section.key_concepts) <= 8, f"{section.number} key concepts"
        assert section.terms.count() >= 8, f"{section.number} uses too few glossary terms"
        for topic in section.topics.all():
            assert f'id="topic-{topic.slug}"' in html
            assert topic.examples and topic.applications and topic.memory_aids, topic.slug
            assert len(topic.explanation.split()) >= 150, f"{section.number}/{topic.slug} too short"


@pytest.mark.slow
def test_cnn_and_recurrent_topics_link_their_playground_experiment(real_course):
    for section in real_course:
        for topic in section.topics.all():
            if topic.slug in {"cnn", "convolution", "cnn-structure"}:
                assert topic.playground.get("experiment") == "cnn", (section.number, topic.slug)
            if topic.slug in {"lstm", "gru"}:
                assert topic.playground == {"experiment": "text", "cell": topic.slug}, (
                    section.number
                )
