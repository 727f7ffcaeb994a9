"""The study history page: reviews per day as an inline SVG chart, and retention."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from flashcards.models import Card, ReviewLog


def test_history_page_draws_the_chart(student, student_client, course):
    card = Card.objects.first()
    now = timezone.now()
    for rating in (3, 3, 1):
        ReviewLog.objects.create(
            user=student, card=card, rating=rating, reviewed_at=now, due_after=now
        )
    ReviewLog.objects.create(
        user=student, card=card, rating=3, reviewed_at=now - timedelta(days=3), due_after=now
    )

    html = student_client.get(reverse("flashcards:history")).content.decode()

    assert "<svg" in html and html.count('class="chart-bar"') == 2
    assert html.count('class="chart-bar-again"') == 1
    assert "75%" in html and ">4<" in html
