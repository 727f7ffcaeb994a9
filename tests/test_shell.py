import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_has_navigation_and_search(client):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Learn", "Glossary", "Flashcards", "Quizzes", "Games", "Playground"):
        assert f">{label}</a>" in html
    assert 'id="site-search-input"' in html
    assert "Log in" in html


def test_logged_in_header_shows_user(student_client):
    html = student_client.get(reverse("home")).content.decode()
    assert "alice" in html and "Log out" in html


def test_csp_forbids_inline_script_and_pages_have_none(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    html = response.content.decode()
    assert "<script>" not in html and " onclick=" not in html and ' style="' not in html


@pytest.mark.live
def test_static_assets_are_served_by_the_site(client, live_server):
    import urllib.request

    with urllib.request.urlopen(f"{live_server.url}/static/css/site.css") as r:
        assert r.status == 200 and b"--accent" in r.read()


def test_health_and_ok(client):
    assert client.get("/ok").content == b"ok"
    response = client.get("/healthz")
    checks = response.json()["checks"]
    assert response.status_code == 200
    assert [checks[name]["status"] for name in ("database", "cache", "broker")] == ["ok"] * 3
    assert client.post("/ok").status_code == 405


def test_openapi_schema_and_docs(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"cdn" not in docs.content.lower()


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
