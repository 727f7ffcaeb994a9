"""Read-only glossary API: public list/retrieve, ranked ?search=, ?category=, schema, bounds."""

from __future__ import annotations

import pytest

from conftest import SCALES
from glossary.models import Term

pytestmark = pytest.mark.django_db
URL = "/api/glossary/terms/"


def test_list_is_public_and_has_explicit_fields(anon_client, sample_terms):
    response = anon_client.get(URL)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == len(sample_terms)
    first = data["results"][0]
    assert set(first) == {
        "slug",
        "name",
        "abbreviation",
        "aliases",
        "category",
        "category_label",
        "definition",
        "formula",
        "url",
    }
    assert "search_vector" not in first


def test_search_is_ranked(anon_client, sample_terms):
    results = anon_client.get(URL, {"search": "GRU"}).json()["results"]
    assert results[0]["slug"] == "gated-recurrent-unit"
    results = anon_client.get(URL, {"search": "backpropogation"}).json()["results"]
    assert results[0]["slug"] == "backpropagation"
    assert results[0]["url"] == "/glossary/backpropagation/"


def test_category_filter_alone_and_with_search(anon_client, sample_terms):
    slugs = {
        t["slug"] for t in anon_client.get(URL, {"category": "sequence-models"}).json()["results"]
    }
    assert slugs == {"recurrent-neural-network", "long-short-term-memory", "gated-recurrent-unit"}
    results = anon_client.get(URL, {"search": "error", "category": "loss-functions"}).json()[
        "results"
    ]
    assert {t["category"] for t in results} == {"loss-functions"}


def test_retrieve_by_slug_with_related(anon_client, sample_terms):
    data = anon_client.get(URL + "long-short-term-memory/").json()
    assert data["abbreviation"] == "LSTM"
    assert {r["slug"] for r in data["related"]} == {
        "recurrent-neural-network",
        "gated-recurrent-unit",
    }
    assert anon_client.get(URL + "missing/").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_read_only_405(instructor_client, sample_terms, method):
    target = URL if method == "post" else URL + "dropout/"
    response = getattr(instructor_client, method)(target, {}, content_type="application/json")
    assert response.status_code == 405
    assert Term.objects.filter(slug="dropout").exists()


def test_schema_documents_search(anon_client, db):
    response = anon_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    operation = response.json()["paths"]["/api/glossary/terms/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"search", "category"} <= names
    assert "/api/glossary/terms/{slug}/" in response.json()["paths"]


@pytest.mark.parametrize("count", SCALES)
def test_list_query_count_constant(anon_client, django_assert_max_num_queries, count):
    Term.objects.bulk_create(
        Term(slug=f"t-{i}", name=f"Term {i}", definition="d.", category="data")
        for i in range(count)
    )
    with django_assert_max_num_queries(2):
        assert anon_client.get(URL).status_code == 200
    with django_assert_max_num_queries(3):  # term index (once per glossary change), ids, terms
        assert anon_client.get(URL, {"search": "term 5"}).status_code == 200
    with django_assert_max_num_queries(2):
        assert anon_client.get(URL + "t-3/").status_code == 200
