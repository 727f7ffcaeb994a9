"""The editor's tables in a real browser (issue 16 §5): "Add a row" adds a numbered, labelled
row that the keyboard reaches, and what is typed there is saved."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from conftest import login

from .factories import make_question

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_row_added_by_keyboard_is_saved(page, live_server):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")
    question = make_question("calculated", slug="lsb-add")
    login(page, live_server, root)
    page.goto(f"{live_server.url}/admin/quizzes/question/{question.pk}/change/")
    editor = page.locator('.rows-editor[data-name="spec_answers"]')
    add = editor.get_by_role("button", name="Add a row")
    add.focus()
    for _ in range(3):  # two blank rows come with the page: the fifth is added
        page.keyboard.press("Enter")
        add.focus()
    new = page.get_by_label("Formula, row 7")
    expect(new).to_be_visible()
    new.fill("{n} * {m} * 2")
    page.get_by_label("Grade %, row 7").fill("10")
    page.get_by_label("Tolerance type, row 7").select_option("nominal")
    page.locator('input[name="_continue"]').click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    question.refresh_from_db()
    assert question.spec["answers"][-1]["formula"] == "{n} * {m} * 2"
    assert question.spec["answers"][-1]["fraction"] == 10.0
    assert page.js_errors == []


@pytest.mark.slow
def test_the_editor_tables_and_the_answered_preview_pass_axe(page, live_server):
    from axe_playwright_python import sync_playwright as axe_module

    from tests.test_a11y_axe import SERIOUS

    axe = axe_module.Axe()
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")
    calc = make_question("calculated", slug="lsb-axe-calc")
    cloze = make_question("cloze", slug="lsb-axe-cloze")
    login(page, live_server, root)
    found = []
    pages = [
        f"/admin/quizzes/question/{calc.pk}/change/",
        f"/admin/quizzes/question/{cloze.pk}/change/",
        f"/admin/quizzes/question/{calc.pk}/preview/?behaviour=deferredcbm",
    ]
    for url in pages:
        page.goto(live_server.url + url)
        if "preview" in url:  # answered: the review as the student sees it
            page.get_by_label(re.compile("Your answer")).fill("6")
            page.get_by_role("button", name="Submit and finish").click()
            expect(page.locator(".review .verdict")).to_be_visible()
        page.wait_for_load_state("networkidle")
        # Ours only: the admin's own header and its select2 boxes are Django's.
        scope = "#preview-form" if "preview" in url else "fieldset.module:has(.rows-table)"
        assert page.locator(scope).count() >= 1, url
        for v in axe.run(page, context=scope).response["violations"]:
            if v["impact"] in SERIOUS:
                found.append(f"{v['id']} on {url}: {[n['target'] for n in v['nodes'][:3]]}")
    assert not found, "\n".join(found)
