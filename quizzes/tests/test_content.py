"""The bank loader: idempotent upserts, slots in file order, errors naming file and question."""

import io
from pathlib import Path

import pytest
import yaml

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
        (lambda d: d["quiz"].update(behaviour="fast"), r"7\.8\.yaml: quiz behaviour 'fast'"),
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
