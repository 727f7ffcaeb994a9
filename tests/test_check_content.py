"""manage.py check_content (issue 14 §4): the bundled content passes, and each rule catches its fault."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from dlplatform import content_check

SEEDS = content_check.SEEDS_DIR


def test_the_bundled_content_passes_every_check():
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    out = StringIO()
    call_command("check_content", stdout=out)
    assert "no problems" in out.getvalue()


def _term(slug: str, name: str, **extra: object) -> dict:
    return {"slug": slug, "name": name, "category": "data", "definition": f"{name}.", **extra}


DIALOGUE = [
    {"speaker": speaker, "line": f"Turn {i}."}
    for i, speaker in enumerate(["Teacher", "Maya", "Teacher", "Leo", "Teacher", "Sam"])
]


def _topic(slug: str, **drop: object) -> dict:
    topic = {
        "slug": slug,
        "title": slug,
        "explanation": "Words.",
        "basic": "Plain words.",
        "examples": [
            {"kind": "example", "title": "e", "text": "t"},
            {"kind": "analogy", "title": "f", "text": "u"},
        ],
        "applications": [{"title": "a", "text": "t"}],
        "memory_aids": [{"kind": "rhyme", "title": "m", "text": "t"}],
        "dialogue": DIALOGUE,
    }
    return {k: v for k, v in topic.items() if k not in drop}


def _section(number: str, **changes: object) -> dict:
    section = {
        "number": number,
        "chapter": {"number": 9, "title": "C"},
        "title": "T",
        "slug": f"s{number.replace('.', '-')}",
        "summary": "S.",
        "overview": {"basic": "b", "standard": "s", "detailed": "d"},
        "key_concepts": [{"title": "k", "text": "t"}],
        "topics": [_topic("one")],
        "terms": ["alpha"],
        "flashcards": [{"front": "f", "back": "b"}],
        "prerequisites": [],
        "recap": "- r",
    }
    section.update(changes)
    return section


def _bank(number: str, count: int, **question: object) -> dict:
    questions = [{"slug": f"{number}-q{i}", "terms": ["alpha"]} for i in range(count)]
    if question:
        questions[0] = {"slug": f"{number}-q0", **question}
    return {"section": number, "questions": questions}


def _write(directory: Path, name: str, data: object) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    dirs = {
        "terms_dir": tmp_path / "terms",
        "sections_dir": tmp_path / "sections",
        "bank_dir": tmp_path / "bank",
    }
    _write(
        dirs["terms_dir"],
        "t.yaml",
        [
            _term("alpha", "Alpha Term", aliases=["first letter"], related=["ghost"]),
            _term("beta", "Beta Term", aliases=["First Letters", "alpha terms"]),
            _term("gamma", "Gamma", abbreviation="GM"),
        ],
    )
    _write(
        dirs["sections_dir"],
        "9.1.yaml",
        _section(
            "9.1",
            terms=["alpha", "missing-term"],
            overview={"basic": "b", "standard": "", "detailed": "See [[nobody|this]]."},
            topics=[
                _topic("one", applications=None),
                _topic("two", memory_aids=[])
                | {
                    "dialogue": [
                        {"speaker": "Teacher", "line": "Hi."},
                        {"speaker": "Bob", "line": "Yo."},
                    ]
                },
            ],
            flashcards=[],
            prerequisites=["8.8"],
            recap="",
        ),
    )
    _write(
        dirs["sections_dir"],
        "9.2.yaml",
        {
            k: v
            for k, v in _section(
                "9.2",
                flashcards=[{"front": "What is [[!this]]?", "back": "b"}],
                topics=[_topic("one", basic=None, dialogue=None)],
            ).items()
            if k != "prerequisites"
        },
    )
    _write(dirs["bank_dir"], "9.1.yaml", _bank("9.1", 3, terms=[]))
    _write(dirs["bank_dir"], "9.2.yaml", _bank("9.2", 10, terms=["alpha", "nope"]))
    _write(dirs["bank_dir"], "9.9.yaml", _bank("9.9", 10))
    return dirs


def test_each_rule_reports_its_fault(tree, tmp_path):
    problems = [str(p) for p in content_check.check_all(seeds_dir=tmp_path / "none", **tree)]
    expected = [
        "t.yaml: alpha.related: no term 'ghost'",
        "9.1.yaml: terms: no term 'missing-term'",
        "9.1.yaml: s9-1.overview.detailed: [[nobody|...]] names no term",
        "9.2.yaml: questions[0] 9.2-q0.terms: no term 'nope'",
        "9.9.yaml: section: no section '9.9'",
        # plural and case do not make an alias different
        "t.yaml: beta.aliases: alias 'First Letters' is also an alias of 'alpha' ('first letter')",
        "t.yaml: beta.aliases: alias 'alpha terms' is the name of term 'alpha'",
        "9.1.yaml: overview.standard: missing",
        "9.1.yaml: flashcards: missing or empty",
        "9.1.yaml: topics[0] one.applications: missing or empty",
        "9.1.yaml: topics[1] two.memory_aids: missing or empty",
        "9.1.yaml: quiz: 3 questions in its bank, fewer than 10",
        "9.1.yaml: questions[0] 9.1-q0: links to no glossary term",
        "9.2.yaml: flashcards[0]: " + content_check.RAW_OVERRIDE,
        "9.1.yaml: recap: missing",
        "9.1.yaml: prerequisites: no section '8.8'",
        "9.1.yaml: topics[0] one: 2 examples and applications, fewer than 3",
        "9.2.yaml: prerequisites: missing (a list, may be empty)",
        "9.2.yaml: topics[0] one.basic: missing or empty",
        # the audio lesson: cast, length, presence
        "9.1.yaml: topics[1] two.dialogue: turn 2: 'Bob' is not in the cast (Teacher, Maya, Leo, Sam)",
        "9.1.yaml: topics[1] two.dialogue: 2 turns, not 6 to 10",
        "9.2.yaml: topics[0] one.dialogue: missing (the audio lesson's turns)",
        # alpha is listed by both sections; beta and gamma by none
        "t.yaml: beta: listed by no section's terms",
        "t.yaml: gamma: listed by no section's terms",
    ]
    for line in expected:
        assert line in problems, line
    assert len(problems) == len(expected), problems


def test_eight_shared_words_are_caught_whatever_the_case_and_punctuation(tree, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "000_x.txt").write_text("Intro. The quick brown fox jumps over the lazy dog again.\n")
    _write(
        tree["terms_dir"],
        "t.yaml",
        [
            _term("alpha", "Alpha", explanation="THE QUICK, brown fox — jumps over the lazy dog!"),
            _term("beta", "Beta", explanation="the quick brown fox jumps over a lazy dog"),
        ],
    )
    problems = [
        str(p) for p in content_check.check_own_words(content_check.read_content(**tree)[0], seeds)
    ]
    assert problems == [
        "t.yaml: alpha.explanation: 2 runs of 8 words shared with seed 000_x.txt, "
        "e.g. 'the quick brown fox jumps over the lazy'"
    ]  # beta shares only six words in a row


def test_the_command_fails_and_lists_problems(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(content_check, "BANK_DIR", tree["bank_dir"])
    monkeypatch.setattr(content_check, "TERMS_DIR", tree["terms_dir"])
    monkeypatch.setattr(content_check, "SECTIONS_DIR", tree["sections_dir"])
    monkeypatch.setattr("glossary.linking.STOP_PHRASES", {})  # they name bundled terms
    out = StringIO()
    with pytest.raises(CommandError, match="24 problems"):
        call_command(
            "check_content", "--seeds", str(tmp_path / "none"), stdout=out, stderr=StringIO()
        )
    assert "9.9.yaml: section: no section '9.9'" in out.getvalue()
