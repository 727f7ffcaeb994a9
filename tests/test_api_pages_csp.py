"""In real Chromium: the API docs (Swagger UI) and DRF's browsable API obey the site's content
security policy: the browser reports no violation (an inline <style> or style attribute would be
refused, and reported, under style-src 'self')."""

from __future__ import annotations

import pytest

from conftest import login

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# Collect every violation the page reports, from the first byte of the document on.
RECORD = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
});
"""


def _violations(page, url: str, ready: str) -> list[str]:
    page.add_init_script(RECORD)
    console: list[str] = []
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(url)
    page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__csp") + console


def test_api_docs_raise_no_csp_violation(page, live_server):
    found = _violations(page, f"{live_server.url}/api/docs/", "#swagger-ui .info")
    assert found == []
    assert page.js_errors == []


@pytest.mark.parametrize(
    "path", ["/api/glossary/", "/api/playground/", "/api/glossary/terms/", "/api/playground/jobs/"]
)
def test_browsable_api_raises_no_csp_violation(page, live_server, student, path):
    login(page, live_server, student)
    found = _violations(page, f"{live_server.url}{path}?format=api", ".content-main")
    assert found == []
