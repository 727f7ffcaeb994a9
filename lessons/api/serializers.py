from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Section, Topic


class SectionListSerializer(serializers.ModelSerializer):
    chapter = serializers.IntegerField(source="chapter.number", read_only=True)
    chapter_title = serializers.CharField(source="chapter.title", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Section
        fields = ["number", "slug", "title", "summary", "chapter", "chapter_title", "url"]


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = [
            "slug",
            "title",
            "explanation",
            "basic",
            "detailed",
            "examples",
            "applications",
            "memory_aids",
            "playground",
        ]


class OverviewSerializer(serializers.Serializer):
    basic = serializers.CharField(source="overview_basic")
    standard = serializers.CharField(source="overview_standard")
    detailed = serializers.CharField(source="overview_detailed")


class SectionDetailSerializer(SectionListSerializer):
    overview = serializers.SerializerMethodField()
    topics = TopicSerializer(many=True, read_only=True)
    terms: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug"
    )
    prerequisites: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="number"
    )

    class Meta(SectionListSerializer.Meta):
        fields = SectionListSerializer.Meta.fields + [
            "overview",
            "key_concepts",
            "topics",
            "terms",
            "prerequisites",
            "recap",
        ]

    @extend_schema_field(OverviewSerializer)
    def get_overview(self, section: Section) -> dict:
        """Markdown of the overview at each depth."""
        return OverviewSerializer(section).data
