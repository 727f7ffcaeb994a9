from __future__ import annotations

from rest_framework import serializers

from ..models import Term


class TermSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = Term
        fields = [
            "slug",
            "name",
            "abbreviation",
            "aliases",
            "category",
            "category_label",
            "definition",
            "formula",
            "url",
        ]
        read_only_fields = fields


class RelatedTermSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Term
        fields = ["slug", "name", "url"]
        read_only_fields = fields


class TermDetailSerializer(TermSerializer):
    related = RelatedTermSerializer(many=True, read_only=True)

    class Meta(TermSerializer.Meta):
        fields = [*TermSerializer.Meta.fields, "explanation", "related"]
        read_only_fields = fields
