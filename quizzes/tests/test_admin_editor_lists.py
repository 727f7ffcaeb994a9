"""The question editor's list settings as tables (issue 16 §5): a calculated question's answers,
wildcard ranges and dataset items are rows of labelled inputs, checked cell by cell with errors
on their field; a Cloze question's text carries its gaps in Moodle's syntax, the gaps show in
a read-only table and a bad gap is an error on the text naming its line. Each edit that
changes the question makes a new version; a save that changes nothing makes none."""

from __future__ import annotations

import re

import pytest

from quizzes.models import Question

from .admin_forms import question_change_data
from .factories import make_question

pytestmark = pytest.mark.django_db
ADD = "/admin/quizzes/question/add/"
ANSWER_COLUMNS = ("formula", "fraction", "tolerance", "tolerance_type", "feedback")
RANGE_COLUMNS = ("name", "min", "max", "decimals", "distribution")


def _url(question: Question) -> str:
    return f"/admin/quizzes/question/{question.pk}/change/"


def _base(stem: str, **extra: str) -> dict[str, str]:
    return question_change_data(**{"name": "A question", "stem": stem, **extra})


def _rows(name: str, columns: tuple[str, ...], rows: list[tuple]) -> dict[str, str]:
    data = {f"{name}-rows": str(len(rows))}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            data[f"{name}-{r}-{c}"] = str(value)
    return data


def _items(names: list[str], rows: list[tuple]) -> dict[str, str]:
    data = {"spec_datasets-columns": str(len(names))}
    data |= {f"spec_datasets-col-{c}": n for c, n in enumerate(names)}
    return data | _rows("spec_datasets", tuple(names), rows)


def _calculated(**extra: str) -> dict[str, str]:
    stem = "A dense layer maps {n} inputs to {m} outputs. How many weights, without biases?"
    answers = [("{n} * {m}", 100, 0.01, "relative", "Right."), ("{n} + {m}", 20, 0, "nominal", "")]
    form = _base(stem, spec_answer_format="decimals", spec_answer_length="0", editor_items="3")
    form |= _rows("spec_answers", ANSWER_COLUMNS, answers)
    form |= _items(["n", "m"], [(3, 2), (4, 6), (5, 7)])
    return form | extra


def _errors(html: str, name: str) -> str:
    row = re.search(
        rf'<div class="form-row[^"]*field-{name}[^"]*">(.*?)</div>\s*</div>', html, re.S
    )
    assert row, name
    found = re.search(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', row.group(1), re.S)
    return found.group(1) if found else ""


def test_the_calculated_editor_is_tables_of_labelled_inputs(admin_client):
    question = make_question("calculated", slug="ls-page")
    html = admin_client.get(_url(question)).content.decode()
    assert ' name="spec_answers"' not in html and "A JSON list" not in html
    assert re.search(
        r'name="spec_answers-0-0" id="id_spec_answers-0-0" value="\{n\} \* \{m\}"', html
    )
    assert 'aria-label="Formula, row 1"' in html and 'aria-label="Tolerance type, row 2"' in html
    assert '<option value="relative" selected>relative</option>' in html
    assert 'aria-label="Remove row 1"' in html and 'for="id_spec_answers-0-0"' in html
    # The dataset items: the column names are inputs, one value a cell.
    assert re.search(r'name="spec_datasets-col-\d" value="n"', html)
    assert 'aria-label="Value' not in html and 'aria-label="n, row 3"' in html
    # The wildcards' ranges as the items span them.
    ranges = {
        m.group(1): m.group(2)
        for m in re.finditer(r'name="editor_ranges-(\d-\d)"[^>]* value="([^"]*)"', html)
    }
    names = {ranges[f"{r}-0"]: (ranges[f"{r}-1"], ranges[f"{r}-2"]) for r in (0, 1)}
    assert names == {"n": ("3", "5"), "m": ("2", "7")}
    assert "quizzes/rows.js" in html
    shown = [html.index(f"field-{n}") for n in ("spec_answers", "editor_ranges", "spec_datasets")]
    assert shown == sorted(shown)  # answers, then the ranges the items are drawn from, then items


def test_saving_the_tables_stores_the_spec_and_makes_a_new_version(admin_client):
    question = make_question("calculated", slug="ls-save")
    versions = question.versions.count()
    form = _calculated()
    form |= {"spec_answers-1-1": "50", "spec_datasets-2-0": "8", "spec_answers-rows": "4"}
    form |= {"spec_answers-2-0": "", "spec_answers-3-0": ""}  # blank rows: left out
    response = admin_client.post(_url(question), form)
    assert response.status_code == 302, _errors(response.content.decode(), "spec_answers")
    question.refresh_from_db()
    assert question.spec["answers"][1] == {
        "formula": "{n} + {m}",
        "fraction": 50.0,
        "tolerance": 0.0,
        "tolerance_type": "nominal",
        "feedback": "",
    }
    assert question.spec["datasets"] == [
        {"n": 3.0, "m": 2.0},
        {"n": 4.0, "m": 6.0},
        {"n": 8.0, "m": 7.0},
    ]
    assert question.versions.count() == versions + 1
    # The same post again changes nothing: no new version.
    assert admin_client.post(_url(question), form).status_code == 302
    assert question.versions.count() == versions + 1
    # A row's Remove box drops it.
    form["spec_answers-1-remove"] = "on"
    assert admin_client.post(_url(question), form).status_code == 302
    question.refresh_from_db()
    assert [a["formula"] for a in question.spec["answers"]] == ["{n} * {m}"]
    assert question.versions.count() == versions + 2


def test_dataset_items_are_drawn_from_the_wildcards_ranges(admin_client):
    question = make_question("calculated", slug="ls-draw")
    ranges = [("n", 1, 10, 0, "uniform"), ("m", 0.5, 50, 2, "loguniform")]
    form = _calculated(editor_generate="on", editor_items="6")
    form |= _rows("editor_ranges", RANGE_COLUMNS, ranges)
    response = admin_client.post(_url(question), form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    question.refresh_from_db()
    items = question.spec["datasets"]
    assert len(items) == 6
    assert all(1 <= i["n"] <= 10 and i["n"] == int(i["n"]) for i in items)
    assert all(0.5 <= i["m"] <= 50 and round(i["m"], 2) == i["m"] for i in items)
    assert items != [{"n": 3.0, "m": 2.0}, {"n": 4.0, "m": 6.0}, {"n": 5.0, "m": 7.0}]
    # Without the box the items typed in the table are kept.
    form.pop("editor_generate")
    form |= _items(["n", "m"], [(2, 2)])
    assert admin_client.post(_url(question), form).status_code == 302
    question.refresh_from_db()
    assert question.spec["datasets"] == [{"n": 2.0, "m": 2.0}]


def test_a_new_calculated_question_draws_its_items_when_it_has_none(admin_client):
    form = _calculated(name="Calc new", editor_items="4")
    form |= _items([], []) | _rows(
        "editor_ranges", RANGE_COLUMNS, [("n", 2, 9, 0, ""), ("m", 1, 3, 0, "")]
    )
    response = admin_client.post(ADD + "?type=calculated", form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    question = Question.objects.get(name="Calc new")
    assert question.type == "calculated" and len(question.spec["datasets"]) == 4
    assert question.versions.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"spec_answers-0-1": "lots"},
            "spec_answers",
            "Row 1, Grade %: &#x27;lots&#x27; is not a number.",
        ),
        ({"spec_answers-0-0": " "}, "spec_answers", "Row 1, Formula: fill it in."),
        ({"spec_answers-1-3": "roughly"}, "spec_answers", "Row 2, Tolerance type: choose one of"),
        ({"spec_answers-0-2": "inf"}, "spec_answers", "not a finite number"),
        ({"spec_answers-0-4": "x" * 3000}, "spec_answers", "at most 2000 characters"),
        ({"spec_datasets-1-1": ""}, "spec_datasets", "Row 2, m: fill it in."),
        ({"spec_datasets-1-1": "1e999"}, "spec_datasets", "not a finite number"),
        ({"spec_answer_length": "11"}, "spec_answer_length", "less than or equal to 10"),
        ({"editor_items": "0"}, "editor_items", "greater than or equal to 1"),
        (
            {
                "editor_generate": "on",
                **_rows("editor_ranges", RANGE_COLUMNS, [("n", "x", 2, 0, "")]),
            },
            "editor_ranges",
            "Row 1, Minimum: &#x27;x&#x27; is not a number.",
        ),
        (
            {
                "editor_generate": "on",
                **_rows("editor_ranges", RANGE_COLUMNS, [("n", 0, 2, 0, "loguniform")]),
            },
            "editor_ranges",
            "loguniform needs a minimum above 0",
        ),
        (
            {
                "editor_generate": "on",
                **_rows("editor_ranges", RANGE_COLUMNS, [("n", 5, 2, 0, "")]),
            },
            "editor_ranges",
            "min above max",
        ),
        (
            {
                "editor_generate": "on",
                **_rows("editor_ranges", RANGE_COLUMNS, [("{n}", 1, 2, 0, "")]),
            },
            "editor_ranges",
            "a name of letters, digits and _",
        ),
    ],
)
def test_bad_cells_are_errors_on_their_field(admin_client, change, field, message):
    question = make_question("calculated", slug="ls-bad")
    before = (question.spec, question.versions.count())
    response = admin_client.post(_url(question), _calculated(**change))
    assert response.status_code == 200
    errors = _errors(response.content.decode(), field)
    assert message in errors, errors
    question.refresh_from_db()
    assert (question.spec, question.versions.count()) == before


def test_whole_question_errors_are_said_and_nothing_is_saved(admin_client):
    question = make_question("calculated", slug="ls-whole")
    weak = _calculated(**{"spec_answers-0-1": "90"})
    html = admin_client.post(_url(question), weak).content.decode()
    assert "needs a formula worth 100%" in html
    missing = _calculated(stem="Uses {n}, {m} and {k}.")
    html = admin_client.post(_url(question), missing).content.decode()
    assert "no dataset for {k}" in html
    question.refresh_from_db()
    assert question.stem.startswith("A dense layer")


@pytest.mark.parametrize(
    "junk",
    [
        {"spec_answers-rows": "99999999"},
        {"spec_answers-rows": "-3"},
        {"spec_answers-rows": "abc", "spec_datasets-columns": "many"},
        {"spec_datasets-columns": "500", "spec_datasets-col-40": "z"},
        {"spec_answers": '[{"formula": "1"}]', "spec_datasets": "{}"},  # the old JSON: ignored
    ],
)
def test_junk_posts_of_the_tables_are_never_a_500(admin_client, junk):
    question = make_question("calculated", slug="ls-junk")
    response = admin_client.post(_url(question), _calculated(**junk))
    assert response.status_code in (200, 302)


CLOZE = (
    "The unit is called {1:SA:=CLOZESECRET#FEEDBACK-cloze-sa~%50%clozes*#FEEDBACK-half}; "
    "a 3x3 kernel has {2:NM:=9:0#FEEDBACK-cloze-nm} weights; maps shrink by "
    "{1:MC:=pooling#FEEDBACK-cloze-mc~dropout#FEEDBACK-cloze-wrong}; activations: "
    "{1:MRS:%50%ReLU~%50%tanh~%-100%Adam}."
)


def test_the_cloze_editor_shows_its_text_in_moodle_syntax_and_its_gaps_read_only(admin_client):
    question = make_question("cloze", slug="ls-cloze")
    html = admin_client.get(_url(question)).content.decode()
    stem = re.search(r'<textarea name="stem"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert "{1:SA:=CLOZESECRET#FEEDBACK-cloze-sa~%50%clozes*#FEEDBACK-half}" in stem
    assert "[[1]]" not in stem
    assert ' name="spec_gaps' not in html and "A JSON list" not in html
    table = re.search(r'<table class="rows-table rows-readonly">(.*?)</table>', html, re.S).group(1)
    assert "<td>numerical (NM)</td><td>2</td><td>9 ± 0 (100%)</td>" in table
    assert "ReLU (50%); tanh (50%); Adam (-100%)" in table
    # Saved as shown, the text and gaps come back the same; again, and no new version.
    before = (question.stem, question.spec)
    post = _base(stem.replace("&#x27;", "'").strip(), name=question.name)
    assert admin_client.post(_url(question), post).status_code == 302
    question.refresh_from_db()
    assert (question.stem, question.spec) == before
    versions = question.versions.count()
    assert admin_client.post(_url(question), post).status_code == 302
    assert question.versions.count() == versions


def test_a_cloze_edit_rereads_its_gaps_and_makes_a_new_version(admin_client):
    question = make_question("cloze", slug="ls-cloze-edit")
    versions = question.versions.count()
    text = CLOZE.replace("{2:NM:=9:0#FEEDBACK-cloze-nm}", "{3:NM:=9:1}")
    post = _base(text, spec_gaps='[{"kind": "short", "answers": [{"text": "x"}]}]')
    assert admin_client.post(_url(question), post).status_code == 302
    question.refresh_from_db()
    gap = question.spec["gaps"][1]
    assert gap["weight"] == 3 and gap["answers"][0]["tolerance"] == 1.0
    assert (
        len(question.spec["gaps"]) == 4
        and "[[2]]" in question.stem
        and "{3:NM" not in question.stem
    )
    assert question.versions.count() == versions + 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "First line.\nSecond {1:SA:=ok}.\nThird {1:XX:=a~b}.",
            "line 3: unknown Cloze gap type XX",
        ),
        ("One {1:MC:wrong~also wrong} gap.", "line 1: Cloze gap 1 has no right answer"),
        ("Two\n\n{2:NM:=nine:0}", "line 3: Cloze NUMERICAL answer"),
        ("No gaps at all.", "needs gaps in its text"),
    ],
)
def test_cloze_syntax_errors_are_on_the_text_with_their_line(admin_client, text, message):
    question = make_question("cloze", slug="ls-cloze-bad")
    before = (question.stem, question.spec)
    response = admin_client.post(_url(question), _base(text))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in (_errors(html, "stem") or html), html[-2000:]
    question.refresh_from_db()
    assert (question.stem, question.spec) == before


def test_the_table_pages_are_csp_clean(admin_client):
    """No inline script, no style attribute, no event handler (script-src/style-src 'self')."""
    calc = make_question("calculated", slug="ls-csp")
    cloze = make_question("cloze", slug="ls-csp-cloze")
    bodies = [
        admin_client.get(_url(calc)).content.decode(),
        admin_client.get(_url(cloze)).content.decode(),
        admin_client.post(_url(calc), _calculated(**{"spec_answers-0-1": "x"})).content.decode(),
    ]
    for html in bodies:
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
        assert not [a for a, body in scripts if body.strip() and "application/json" not in a]
        assert not re.search(r"\sstyle=\"|\son[a-z]+=\"", html)
