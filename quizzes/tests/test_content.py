"""The bank loader: idempotent upserts, slots in file order, errors naming file and question."""

import io
from pathlib import Path

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes import content
from quizzes.models import Question, Quiz

from .factories import QUESTION_DATA, make_section

pytestmark = pytest.mark.django_db


def _write(directory: Path, name: str, data: dict) -> None:
    (directory / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _bank(section="7.8", slugs=("a", "b"), **quiz):
    questions = [
        dict(QUESTION_DATA[kind], slug=f"{section}-{slug}", topic="cnn")
        for slug, kind in zip(slugs, ["single", "matching", "ordering", "short"], strict=False)
    ]
    return {
        "section": section,
        "quiz": {
            "title": "Quiz 7.8",
            "time_limit_minutes": 15,
            "pass_mark": 60,
            "behaviour": "immediate",
            **quiz,
        },
        "questions": questions,
    }


def test_load_is_idempotent_and_follows_file_order(tmp_path):
    make_section("7.8")
    _write(tmp_path, "7.8.yaml", _bank(slugs=("a", "b", "c")))
    summary = content.load(stdout=io.StringIO(), bank_dir=tmp_path)
    assert summary == "1 quizzes, 3 questions"
    quiz = Quiz.objects.get()
    assert (
        quiz.behaviour == "immediate"
        and quiz.time_limit.total_seconds() == 900
        and quiz.pass_mark == 60
    )
    ids = list(Question.objects.order_by("id").values_list("id", flat=True))
    _write(tmp_path, "7.8.yaml", _bank(slugs=("c", "a")))  # reorder, drop b
    content.load(stdout=io.StringIO(), bank_dir=tmp_path)
    assert Quiz.objects.count() == 1
    slots = list(quiz.slots.order_by("order").values_list("question__slug", flat=True))
    assert slots == ["7.8-c", "7.8-a"]
    assert set(Question.objects.values_list("id", flat=True)) == set(ids)  # upserted, not recreated


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["questions"][1].update(type="weird"),
            r"7\.8\.yaml: question '7\.8-b': unknown type",
        ),
        (
            lambda d: d["questions"][0].update(topic="nope"),
            r"7\.8\.yaml: question '7\.8-a': .*no topic 'nope'",
        ),
        (lambda d: d["questions"][0].pop("slug"), r"7\.8\.yaml: question #1 has no slug"),
        (lambda d: d.update(section="5.5"), r"7\.8\.yaml: unknown section '5\.5'"),
        (
            lambda d: d["quiz"].update(behaviour="fast"),
            r"7\.8\.yaml:\d+: quiz behaviour: 'fast' is not one of 'deferred'",
        ),
    ],
)
def test_errors_name_file_and_question(tmp_path, mutate, message):
    make_section("7.8")
    data = _bank()
    mutate(data)
    _write(tmp_path, "7.8.yaml", data)
    with pytest.raises(content.BankError, match=message):
        content.load(stdout=io.StringIO(), bank_dir=tmp_path)
    assert not Question.objects.exists()  # all or nothing


def test_duplicate_slug_across_files(tmp_path):
    make_section("7.8")
    make_section("7.7")
    _write(tmp_path, "7.7.yaml", _bank(section="7.7", slugs=("a",)))
    other = _bank(section="7.8", slugs=("x",))
    other["questions"][0]["slug"] = "7.7-a"
    _write(tmp_path, "7.8.yaml", other)
    with pytest.raises(
        content.BankError, match=r"7\.8\.yaml: question '7\.7-a' is also in 7\.7\.yaml"
    ):
        content.load(stdout=io.StringIO(), bank_dir=tmp_path)


@pytest.mark.slow
def test_bundled_bank_loads_after_glossary_and_lessons():
    from glossary import content as glossary_content
    from lessons import content as lessons_content

    glossary_content.load(stdout=io.StringIO())
    lessons_content.load(stdout=io.StringIO())
    content.load(stdout=io.StringIO())
    files = sorted(content.BANK_DIR.glob("*.yaml"))
    assert Quiz.objects.count() == len(files) >= 1
    for quiz in Quiz.objects.all():
        assert quiz.slots.count() >= 10, quiz.title
        assert all(
            q.explanation.strip()
            for q in Question.objects.filter(slots__quiz=quiz).exclude(type="description")
        )


# --- the quiz block: every admin setting, checked, reloads keep the admin's other edits -------

EVERY_SETTING = {
    "title": "Quiz 7.8",
    "description": "All of it.",
    "time_limit_minutes": 20,
    "attempts_allowed": 3,
    "grading_method": "first",
    "shuffle_questions": True,
    "shuffle_answers": False,
    "behaviour": "deferredcbm",
    "max_tries": 2,
    "pass_mark": 70.5,
    "feedback_bands": [{"min": 80, "text": "Great"}, {"min": 0, "text": "Again"}],
    "open_at": "2026-09-01T09:00:00+00:00",
    "close_at": "2026-09-30 18:00",
    "review": {"right_answer": ["after_close"]},
    "draw_count": 0,
    "draw_topic": "cnn",
    "draw_tags": ["cnn"],
    "draw_difficulty": "hard",
    "overdue_handling": "graceperiod",
    "grace_period_minutes": 10,
    "password": "s3cret",
    "delay_first_minutes": 60,
    "delay_later_minutes": 1440,
    "questions_per_page": 2,
    "navigation": "sequential",
    "require_pass_previous": True,
    "is_published": False,
}


def _load_block(tmp_path, **quiz):
    data = _bank()
    data["quiz"] = quiz
    _write(tmp_path, "7.8.yaml", data)
    content.load(stdout=io.StringIO(), bank_dir=tmp_path)
    return Quiz.objects.get()


def test_the_quiz_block_takes_every_setting_of_the_quiz_admin(tmp_path):
    from quizzes.admin_review import MODEL_FIELDS, QuizAdminForm
    from quizzes.content_settings import accepted_keys, setting_fields

    admin_fields = {f for f in QuizAdminForm._meta.fields if f not in MODEL_FIELDS}
    given = {f.name for f in setting_fields().values()} | {"slug", "section"}
    assert admin_fields == given  # the file may set whatever the admin sets
    assert sorted(EVERY_SETTING) == accepted_keys()
    make_section("7.8")
    quiz = _load_block(tmp_path, **EVERY_SETTING)
    assert (quiz.behaviour, quiz.navigation, quiz.questions_per_page) == (
        "deferredcbm",
        "sequential",
        2,
    )
    assert quiz.password == "s3cret" and quiz.require_pass_previous and not quiz.is_published
    assert quiz.delay_first.total_seconds() == 3600 and quiz.delay_later.days == 1
    assert quiz.grace_period.total_seconds() == 600 and quiz.overdue_handling == "graceperiod"
    assert quiz.draw_topic.slug == "cnn" and quiz.close_at.day == 30 and quiz.pass_mark == 70.5
    assert quiz.review_right_answer == 0x10 and quiz.review_marks != 0  # only the one named


def test_adaptive_behaviour_and_free_navigation(tmp_path):
    make_section("7.8")
    quiz = _load_block(tmp_path, behaviour="adaptive", navigation="free", questions_per_page=0)
    assert (quiz.behaviour, quiz.navigation, quiz.questions_per_page) == ("adaptive", "free", 0)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("overrides", [{"user": "ann"}], "unknown setting; use one of attempts_allowed"),
        ("time_limit", 15, "unknown setting"),  # minutes, by its _minutes key
        ("navigation", "random", "'random' is not one of 'free', 'sequential'"),
        ("questions_per_page", -1, "greater than or equal to 0"),
        ("questions_per_page", "two", "a whole number, not 'two'"),
        ("require_pass_previous", "yes", "true or false, not 'yes'"),
        ("grace_period_minutes", "ten", "a number of minutes"),
        ("delay_first_minutes", -5, "a number of minutes, 0 or more"),
        ("password", "x" * 129, "at most 128 characters"),
        ("draw_topic", "rnn", "section 7.8 has no topic 'rnn'"),
        ("open_at", "tomorrow", "a date and time"),
        ("feedback_bands", [{"min": 200, "text": "?"}], "each item must be a mapping"),
        ("review", {"marks": ["never"]}, "review 'marks': a list of times"),
        ("title", None, "may not be empty"),
    ],
)
def test_a_bad_setting_names_file_line_and_key_and_stores_nothing(tmp_path, key, value, message):
    make_section("7.8")
    with pytest.raises(content.BankError) as caught:
        _load_block(tmp_path, **{"title": "Quiz 7.8", key: value})
    text = (tmp_path / "7.8.yaml").read_text()
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith(f"  {key}:"))
    assert str(caught.value).startswith(f"7.8.yaml:{line}: quiz {key}: ")
    assert message in str(caught.value)
    assert not Quiz.objects.exists() and not Question.objects.exists()


def test_every_bad_setting_is_reported_at_once(tmp_path):
    make_section("7.8")
    with pytest.raises(content.BankError) as caught:
        _load_block(tmp_path, navigation="random", password=7, colour="red")
    assert [row.split(": ")[1] for row in str(caught.value).splitlines()] == [
        "quiz colour",
        "quiz navigation",
        "quiz password",
    ]


def test_a_reload_keeps_the_admins_edits_of_settings_the_file_does_not_name(tmp_path):
    from quizzes.models import QuizOverride

    make_section("7.8")
    quiz = _load_block(tmp_path, title="Quiz 7.8", navigation="sequential")
    quiz.password, quiz.questions_per_page, quiz.review_marks = "edited", 3, 0
    quiz.save()
    QuizOverride.objects.create(quiz=quiz, user=_user(), password="theirs")
    again = _load_block(tmp_path, title="Quiz 7.8 renamed", navigation="sequential")
    assert again.pk == quiz.pk and Quiz.objects.count() == 1
    assert again.title == "Quiz 7.8 renamed"  # named by the file: the file's
    assert (again.password, again.questions_per_page, again.review_marks) == ("edited", 3, 0)
    assert quiz.overrides.get().password == "theirs"  # overrides are not content
    unchanged = _load_block(tmp_path, title="Quiz 7.8 renamed", navigation="sequential")
    assert unchanged.updated_at >= again.updated_at and unchanged.password == "edited"


def _user():
    from dlplatform.accounts.models import User

    return User.objects.create_user(username="ann", password="pw-long-enough")


def test_a_bank_file_costs_the_same_queries_at_10_and_50_questions(tmp_path):
    """The loader goes through the importers' bulk path (services/bank_many.py): the queries of
    a file do not grow with its questions, on the first load and on a reload."""
    make_section("7.8")
    kinds = ["single", "matching", "ordering", "short", "numerical"]
    counts = {}
    for size in (10, 50):
        directory = tmp_path / str(size)
        directory.mkdir()
        questions = [
            dict(QUESTION_DATA[kinds[n % len(kinds)]], slug=f"q{size}-{n}", topic="cnn")
            for n in range(size)
        ]
        _write(directory, "7.8.yaml", {"section": "7.8", "questions": questions})
        for run in ("first", "reload"):
            with CaptureQueriesContext(connection) as queries:
                content.load(stdout=io.StringIO(), bank_dir=directory)
            counts[(run, size)] = len(queries)
        assert Quiz.objects.get().slots.count() == size
        Quiz.objects.all().delete()
    assert counts[("first", 10)] == counts[("first", 50)], counts
    assert counts[("reload", 10)] == counts[("reload", 50)], counts
