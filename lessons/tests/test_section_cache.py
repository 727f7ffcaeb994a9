"""The section body is cached per content version: an edit or a new glossary term shows at once."""

import time

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dlplatform import versioned
from glossary.models import Term
from glossary.services import term_index_invalidate
from lessons.caches import content
from lessons.models import Topic


def _html(client) -> str:
    return client.get(reverse("lessons:section", args=["9.1"])).content.decode()


def test_editing_a_topic_alone_shows_on_the_next_view(anon_client, course):
    topic = course["9.1"].topics.first()
    assert "Freshly edited" not in _html(anon_client)  # now cached

    topic.explanation = "Freshly edited explanation."
    topic.save()

    assert "Freshly edited explanation." in _html(anon_client)


def test_a_new_glossary_term_is_linked_on_the_next_view(anon_client, course):
    topic = course["9.1"].topics.first()
    word = topic.explanation.split()[0].strip(".,")
    assert 'data-definition="Newly defined."' not in _html(anon_client)

    Term.objects.create(
        slug="fresh-term", name=word, category="fundamentals", definition="Newly defined."
    )
    term_index_invalidate()

    assert 'data-definition="Newly defined."' in _html(anon_client)


def test_a_warm_view_reads_no_lesson_content(student_client, course):
    url = reverse("lessons:section", args=["9.1"])
    student_client.get(url)

    with CaptureQueriesContext(connection) as queries:
        html = student_client.get(url).content.decode()

    assert course["9.1"].title in html
    content_tables = ('"lessons_section"', '"lessons_topic"', '"glossary_term"')
    assert [q["sql"] for q in queries if any(t in q["sql"] for t in content_tables)] == []


def test_an_edit_made_by_another_process_shows_within_the_check_interval(
    anon_client, course, monkeypatch
):
    topic = course["9.1"].topics.first()
    assert "Edited elsewhere" not in _html(anon_client)
    # Another web process saves the topic: the rows change and it bumps the shared version, but
    # its signal cannot clear this process's copy (so the row is written past this process's
    # manager, which would bump it here too).
    with connection.cursor() as cursor:
        table = Topic._meta.db_table
        cursor.execute(
            f'UPDATE "{table}" SET explanation = %s WHERE id = %s', ["Edited elsewhere.", topic.pk]
        )
    cache.set(content.name, "bumped-by-another-process", None)
    assert "Edited elsewhere" not in _html(anon_client)  # this process has not looked yet

    later = time.monotonic() + content.check_every_s + 0.1
    monkeypatch.setattr(versioned, "monotonic", lambda: later)

    assert "Edited elsewhere." in _html(anon_client)
