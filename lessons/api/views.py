from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import mixins, viewsets
from rest_framework.permissions import AllowAny

from ..models import Section, Topic
from .serializers import SectionDetailSerializer, SectionListSerializer


class SectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Lesson sections, public like the section pages; looked up by number ("7.8")."""

    permission_classes = [AllowAny]
    lookup_field = "number"
    lookup_value_regex = r"[0-9]+(?:\.[0-9]+)*"

    def get_queryset(self):
        queryset = Section.objects.select_related("chapter").order_by("chapter__number", "order")
        if self.action == "retrieve":
            topics = Prefetch("topics", queryset=Topic.objects.order_by("order"))
            queryset = queryset.prefetch_related(topics, "terms", "prerequisites")
        return queryset

    def get_serializer_class(self):
        return SectionDetailSerializer if self.action == "retrieve" else SectionListSerializer
