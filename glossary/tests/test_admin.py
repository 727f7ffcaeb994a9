"""Admin: instructors upload text to import terms (or deck cards); edits stay searchable."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from glossary.models import ImportRecord, Term
from glossary.selectors import term_search

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db
URL = "/admin/glossary/term/import/"


def _upload(name: str = "pairs.txt", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content if content is not None else (FIXTURES / "text" / name).read_bytes()
    )


def test_changelist_links_to_import(instructor_client):
    html = instructor_client.get(reverse("admin:glossary_term_changelist")).content.decode()
    assert URL in html


def test_dry_run_then_import(instructor_client):
    response = instructor_client.post(
        URL, {"file": _upload(), "category": "layers", "dry_run": "on"}
    )
    assert response.status_code == 200
    assert (
        "Dry run: what would change" in response.content.decode()
        and "Stride" in response.content.decode()
    )
    assert Term.objects.count() == 0
    assert not ImportRecord.objects.exists()  # a dry run is not recorded
    response = instructor_client.post(URL, {"file": _upload(), "category": "layers"})
    assert Term.objects.filter(category="layers").count() == 3
    assert term_search(query="strde", limit=3)[0].slug == "stride"  # search vectors/trigram ready
    record = ImportRecord.objects.get()  # who, which file, what: so it can be undone
    user = response.wsgi_request.user
    assert (record.user, record.actor) == (user, user.get_username())
    assert record.filename == "pairs.txt" and len(record.changes) == 3


def test_errors_are_listed_with_line_numbers(instructor_client):
    response = instructor_client.post(
        URL, {"file": _upload("bad_numbered.txt"), "category": "data"}
    )
    html = response.content.decode()
    assert (
        "line 4: no definition after the term: &#x27;Batch&#x27;" in html
        and "Nothing was imported" in html
    )
    assert Term.objects.count() == 0


def test_import_into_deck(instructor_client):
    from flashcards.services import deck_upsert

    deck = deck_upsert(slug="training", title="Training")
    instructor_client.post(URL, {"file": _upload("qa.txt"), "deck": "training", "category": "data"})
    assert deck.cards.count() == 3
    assert Term.objects.count() == 0


def test_students_and_anonymous_cannot_import(student_client, anon_client):
    assert student_client.get(URL).status_code == 302  # to the admin login
    assert anon_client.post(URL, {"file": _upload(), "category": "data"}).status_code == 302
    assert Term.objects.count() == 0


def test_staff_without_permission_is_forbidden(db, client):
    from dlplatform.accounts.services import user_create

    staff = user_create(username="staffer", password="pw-staffer-123")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(URL).status_code == 403


def test_admin_edit_refreshes_search(instructor_client, sample_terms):
    term = sample_terms["dropout"]
    data = {
        "slug": term.slug,
        "name": "Dropout",
        "abbreviation": "DO",
        "aliases": '["unit dropping"]',
        "definition": term.definition,
        "explanation": "",
        "category": term.category,
        "formula": "",
    }
    response = instructor_client.post(reverse("admin:glossary_term_change", args=[term.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert term_search(query="unit dropping", limit=3)[0].slug == "dropout"
