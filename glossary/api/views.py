"""Read-only glossary API; public like the glossary pages."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import Category, Term
from ..selectors import term_list, term_search
from .serializers import TermDetailSerializer, TermSerializer

SEARCH_LIMIT = 20

_LIST_PARAMS = [
    OpenApiParameter(
        "search",
        OpenApiTypes.STR,
        description="Ranked search: exact abbreviation first, then "
        f"full-text rank and typo tolerance (at most {SEARCH_LIMIT} results, best first).",
    ),
    OpenApiParameter(
        "category", OpenApiTypes.STR, enum=Category.values, description="Only this category."
    ),
]


@extend_schema_view(list=extend_schema(parameters=_LIST_PARAMS))
class TermViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Term]:
        if self.action == "retrieve":
            # .all(): django-stubs types prefetch_related on a queryset, not on a manager.
            return Term.objects.all().prefetch_related(Prefetch("related", queryset=term_list()))
        return term_list(category=self._category())

    def get_serializer_class(self) -> type[TermSerializer]:
        return TermDetailSerializer if self.action == "retrieve" else TermSerializer

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        query = request.query_params.get("search", "").strip()
        if not query:
            return super().list(request, *args, **kwargs)
        results = term_search(query=query, limit=SEARCH_LIMIT)
        if category := self._category():
            results = [term for term in results if term.category == category]
        # DRF's paginator pages any sequence; the stubs ask for a QuerySet.
        page: list[Term] | None = self.paginate_queryset(results)  # type: ignore[arg-type]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _category(self) -> str:
        category = self.request.query_params.get("category", "")
        return category if category in Category.values else ""
