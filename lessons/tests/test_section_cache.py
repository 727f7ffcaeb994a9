"""The section body is cached per content version: an edit or a new glossary term shows at once."""

from django.urls import reverse

from glossary.models import Term
from glossary.services import term_index_invalidate


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
