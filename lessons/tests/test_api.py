"""Read-only sections API: public, explicit fields, looked up by number, in the schema."""

from django.urls import reverse


def test_list_is_public_and_ordered(anon_client, course):
    response = anon_client.get("/api/lessons/sections/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [s["number"] for s in results] == ["9.1", "9.2"]
    assert set(results[0]) == {
        "number",
        "slug",
        "title",
        "summary",
        "chapter",
        "chapter_title",
        "url",
    }
    assert results[0]["url"] == reverse("lessons:section", args=["9.1"])


def test_detail_has_overview_topics_and_terms(anon_client, course):
    data = anon_client.get("/api/lessons/sections/9.1/").json()

    assert data["overview"]["basic"].startswith("BASIC-OVERVIEW-MARK")
    assert set(data["overview"]) == {"basic", "standard", "detailed"}
    assert [t["slug"] for t in data["topics"]] == ["perceptron", "activation"]
    assert data["topics"][0]["playground"] == {"experiment": "cnn"}
    assert sorted(data["terms"]) == ["activation-function", "perceptron"]


def test_unknown_section_404_and_writes_405(anon_client, student_client, course):
    assert anon_client.get("/api/lessons/sections/1.99/").status_code == 404
    assert student_client.post("/api/lessons/sections/", {}).status_code == 405
    assert student_client.delete("/api/lessons/sections/9.1/").status_code == 405


def test_in_openapi_schema(anon_client):
    schema = anon_client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()

    assert "/api/lessons/sections/{number}/" in schema
