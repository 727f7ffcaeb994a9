"""The page scripts share one CSRF and JSON-post helper and take the site's URLs from the page."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("dlplatform", "glossary", "lessons", "flashcards", "quizzes", "playground")
HELPER = ROOT / "dlplatform" / "static" / "js" / "api.js"
SCRIPTS = sorted(p for app in APPS for p in (ROOT / app / "static").rglob("*.js"))
# A string that starts with one of the site's own paths: it belongs in reverse(), not in a script.
SITE_PATH = re.compile(
    r"""["'`]/(api|accounts|glossary|learn|flashcards|quizzes|playground|admin)/"""
)


def test_the_scripts_are_found():
    assert HELPER in SCRIPTS and len(SCRIPTS) > 5


def test_only_the_helper_handles_the_csrf_token():
    for path in SCRIPTS:
        text = path.read_text()
        if path == HELPER:
            assert "X-CSRFToken" in text and "csrftoken" in text
            continue
        for needle in ("X-CSRFToken", "csrftoken", "csrfmiddlewaretoken"):
            assert needle not in text, f"{path.relative_to(ROOT)} reads the CSRF token itself"


def test_no_script_hard_codes_a_site_url():
    for path in SCRIPTS:
        found = SITE_PATH.findall(path.read_text())
        assert not found, (
            f"{path.relative_to(ROOT)} hard-codes /{found[0]}/...: pass it from reverse()"
        )


def test_the_base_template_loads_the_helper_before_every_page_script():
    base = (ROOT / "dlplatform" / "templates" / "base.html").read_text()
    helper = base.index("js/api.js")
    assert helper < base.index("{% block extra_head %}") < base.index("{% block extra_js %}")
    assert helper < base.index("js/site.js")
    assert "/api/" not in base, "the search box's API URL comes from {% url %}"
