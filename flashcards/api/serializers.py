from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from glossary.rendering import render_lesson_text

from ..models import Card, Deck, Rating, ReviewLog


class DeckSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.number", allow_null=True, read_only=True)
    total = serializers.IntegerField(source="counts.total", read_only=True)
    new = serializers.IntegerField(source="counts.new", read_only=True)
    due = serializers.IntegerField(source="counts.due", read_only=True)

    class Meta:
        model = Deck
        fields = [
            "slug",
            "title",
            "description",
            "section",
            "glossary_category",
            "total",
            "new",
            "due",
        ]


class CardSerializer(serializers.ModelSerializer):
    front_html = serializers.SerializerMethodField()
    back_html = serializers.SerializerMethodField()

    class Meta:
        model = Card
        fields = ["id", "front", "back", "front_html", "back_html", "topic"]

    @extend_schema_field(serializers.CharField())
    def get_front_html(self, card: Card) -> str:
        return str(render_lesson_text(card.front, link=False))

    @extend_schema_field(serializers.CharField())
    def get_back_html(self, card: Card) -> str:
        return str(render_lesson_text(card.back, link=False))


class ReviewCreateSerializer(serializers.Serializer):
    card = serializers.PrimaryKeyRelatedField(queryset=Card.objects.select_related("deck"))
    rating = serializers.ChoiceField(choices=Rating.choices)
    duration_ms = serializers.IntegerField(min_value=0, max_value=3_600_000, required=False)


class ReviewLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewLog
        fields = ["id", "card", "rating", "reviewed_at", "due_after", "review_duration_ms"]


class ReviewResultSerializer(serializers.Serializer):
    review = ReviewLogSerializer()
    next_card = CardSerializer(allow_null=True)
    due = serializers.IntegerField(help_text="Cards of the deck still due now.")
    next_due = serializers.DateTimeField(
        allow_null=True, help_text="When no card is due: when the next one will be."
    )
