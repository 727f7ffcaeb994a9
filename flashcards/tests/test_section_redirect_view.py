"""flashcards:section: a section number leads to that section's deck."""

from django.urls import reverse


def test_section_redirects_to_its_deck(student_client, course):
    response = student_client.get(reverse("flashcards:section", args=["9.1"]))

    assert response.status_code == 302
    assert response["Location"] == reverse("flashcards:study", args=["section-9-1"])
    assert student_client.get(reverse("flashcards:section", args=["4.4"])).status_code == 404
