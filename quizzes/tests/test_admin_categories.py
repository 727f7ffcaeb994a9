"""The bank's category tree (issue 16 §5): the tree filter, and moving or copying the selected
questions to a category through an intermediate form, answers kept."""

import pytest

from quizzes.categories import clean_path, tree
from quizzes.models import Question

from .factories import make_question

pytestmark = pytest.mark.django_db
LIST = "/admin/quizzes/question/"


def test_the_tree_has_every_category_in_use_and_those_above(db):
    nodes = tree({"Week 1/CNNs": 2, "Week 1": 1, "": 3, "b/c/d": 1})
    assert [(n.path, n.depth, n.own, n.total) for n in nodes] == [
        ("b", 0, 0, 1),
        ("b/c", 1, 0, 1),
        ("b/c/d", 2, 1, 1),
        ("Week 1", 0, 1, 3),
        ("Week 1/CNNs", 1, 2, 2),
    ]
    assert clean_path(" $course$/top/ Week 1 //CNNs/ ") == "Week 1/CNNs"
    assert clean_path("top") == ""


def test_the_filter_lists_the_tree_and_takes_a_category_with_those_below(admin_client):
    make_question("single", slug="in-top")
    make_question("single", slug="in-week", category="Week 1")
    make_question("short", slug="in-cnns", category="Week 1/CNNs")
    make_question("short", slug="in-weekly", category="Week 10")
    page = admin_client.get(LIST).content.decode()
    assert "Week 1 (2)" in page and "— CNNs (1)" in page and "Top, no category (1)" in page
    html = admin_client.get(LIST + "?category=Week+1").content.decode()
    assert "in-week" in html and "in-cnns" in html
    assert "in-weekly" not in html and "in-top" not in html
    top = admin_client.get(LIST + "?category=~top").content.decode()
    assert "in-top" in top and "in-week" not in top


def _act(client, action: str, questions, **form):
    data = {"action": action, "_selected_action": [q.pk for q in questions], **form}
    return client.post(LIST, data)


def test_move_asks_for_the_category_then_moves_keeping_answers(admin_client):
    one = make_question("single", slug="mv-1", category="Old")
    two = make_question("ordering", slug="mv-2")
    make_question("short", slug="mv-other", category="Elsewhere")
    answers = {q.pk: list(q.choices.values_list("pk", "text")) for q in (one, two)}
    items = list(two.ordering_items.values_list("pk", "text"))
    form = _act(admin_client, "move_to_category", [one, two])
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="category"' in html and '<option value="Elsewhere">' in html
    assert Question.objects.get(pk=one.pk).category == "Old"  # nothing moved yet
    done = _act(
        admin_client, "move_to_category", [one, two], apply="1", category="$course$/top/New/Sub"
    )
    assert done.status_code == 302
    assert set(Question.objects.filter(category="New/Sub").values_list("pk", flat=True)) == {
        one.pk,
        two.pk,
    }
    for q in (one, two):
        assert list(q.choices.values_list("pk", "text")) == answers[q.pk]
    assert list(two.ordering_items.values_list("pk", "text")) == items
    assert Question.objects.get(slug="mv-other").category == "Elsewhere"


def test_a_move_that_would_repeat_an_idnumber_is_refused_on_the_field(admin_client):
    there = make_question("single", slug="id-there", category="Dest", idnumber="Q1")
    moving = make_question("single", slug="id-moving", category="Src", idnumber="Q1")
    response = _act(admin_client, "move_to_category", [moving], apply="1", category="Dest")
    assert response.status_code == 200
    assert "ID numbers would repeat in Dest: Q1" in response.content.decode()
    assert Question.objects.get(pk=moving.pk).category == "Src"
    assert Question.objects.get(pk=there.pk).category == "Dest"
    # Two chosen questions of one idnumber (from two categories) cannot share one either.
    twin = make_question("single", slug="id-twin", category="Other", idnumber="Q1")
    response = _act(admin_client, "move_to_category", [moving, twin], apply="1", category="New")
    assert "ID numbers would repeat in New: Q1" in response.content.decode()
    assert not Question.objects.filter(category="New").exists()


def test_copy_makes_copies_with_their_answers_in_the_category(admin_client):
    single = make_question("single", slug="cp-1", category="Src", idnumber="S1")
    units = make_question("numerical_units", slug="cp-2", category="Src", idnumber="N1")
    make_question("short", slug="cp-taken", category="Dest", idnumber="N1")
    response = _act(admin_client, "copy_to_category", [single, units], apply="1", category="Dest")
    assert response.status_code == 302
    copies = Question.objects.filter(category="Dest").exclude(slug="cp-taken")
    assert copies.count() == 2
    copy_single = copies.get(type="single")
    assert copy_single.slug is None and copy_single.idnumber == "S1"
    assert [c.text for c in copy_single.choices.all()] == [c.text for c in single.choices.all()]
    assert set(copy_single.choices.values_list("pk", flat=True)).isdisjoint(
        single.choices.values_list("pk", flat=True)
    )
    copy_units = copies.get(type="numerical")
    assert copy_units.idnumber == ""  # N1 is taken in Dest
    assert copy_units.spec == units.spec and copy_units.numerical_answers.count() == 1
    assert Question.objects.get(pk=single.pk).category == "Src"  # the originals stay
    assert Question.objects.get(slug="cp-taken").type == "short"  # and nothing was overwritten
    # A copy into its own category: a second question there, without the idnumber.
    _act(admin_client, "copy_to_category", [single], apply="1", category="Src")
    assert Question.objects.filter(category="Src", type="single").count() == 2
    assert Question.objects.filter(category="Src", idnumber="S1").count() == 1


def test_a_too_long_category_is_a_field_error(admin_client):
    question = make_question("single", slug="long-cat")
    response = _act(admin_client, "move_to_category", [question], apply="1", category="x" * 300)
    assert response.status_code == 200 and "at most" in response.content.decode()
    assert Question.objects.get(pk=question.pk).category == ""
