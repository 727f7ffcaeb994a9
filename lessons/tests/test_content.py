"""lessons.content.load: idempotent upsert, clear validation errors, glossary slug checks."""

import io
import re
import shutil
from pathlib import Path

import pytest
import yaml

from lessons import content
from lessons.models import Chapter, Section, Topic
from lessons.tests.factories import FIXTURE_SECTIONS, make_terms


@pytest.fixture
def section_dir(tmp_path: Path, db) -> Path:
    make_terms()
    for path in FIXTURE_SECTIONS.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_load_creates_everything_from_the_yaml(section_dir):
    summary = content.load(stdout=io.StringIO(), directory=section_dir)

    assert "2 sections (2 created, 0 updated), 3 topics" in summary
    section = Section.objects.get(number="9.1")
    assert section.chapter.title == "Test Chapter"
    assert "BASIC-OVERVIEW-MARK" in section.overview_basic
    assert [t.slug for t in section.topics.order_by("order")] == ["perceptron", "activation"]
    assert sorted(section.terms.values_list("slug", flat=True)) == [
        "activation-function",
        "perceptron",
    ]
    topic = section.topics.get(slug="activation")
    assert topic.playground == {"experiment": "text", "cell": "lstm"}
    assert topic.memory_aids[1] == {
        "kind": "story",
        "title": "The flat land",
        "text": "A land with only straight roads.",
    }


def test_second_load_updates_in_place_and_drops_removed_topics(section_dir):
    content.load(stdout=io.StringIO(), directory=section_dir)
    ids = set(Section.objects.values_list("id", flat=True))

    def change(data):
        data["title"] = "Renamed"
        data["topics"] = data["topics"][:1]

    _edit(section_dir / "9.1.yaml", change)
    summary = content.load(stdout=io.StringIO(), directory=section_dir)

    assert "(0 created, 2 updated)" in summary
    assert set(Section.objects.values_list("id", flat=True)) == ids
    assert Section.objects.get(number="9.1").title == "Renamed"
    assert list(Topic.objects.filter(section__number="9.1").values_list("slug", flat=True)) == [
        "perceptron"
    ]
    assert Chapter.objects.count() == 1


def test_unknown_glossary_slugs_are_named_in_the_error(section_dir):
    _edit(section_dir / "9.2.yaml", lambda d: d["terms"].extend(["no-such-term", "nor-this"]))

    with pytest.raises(content.ContentError) as excinfo:
        content.load(stdout=io.StringIO(), directory=section_dir)

    message = str(excinfo.value)
    assert "9.2.yaml: terms: unknown glossary slugs: no-such-term, nor-this" in message
    assert not Section.objects.exists()  # nothing half-loaded


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["overview"].pop("detailed"),
            "9.1.yaml: overview.detailed: must be a non-empty string",
        ),
        (
            lambda d: d["topics"][1]["examples"][0].update(kind="joke"),
            "9.1.yaml: topics[1].examples[0].kind: 'joke' is not one of",
        ),
        (
            lambda d: d["topics"][0].update(playground={"experiment": "text", "cell": "lstn"}),
            "9.1.yaml: topics[0].playground.cell: 'lstn' is not one of",
        ),
        (lambda d: d.update(number="seven"), "9.1.yaml: number: 'seven' is not like '7.8'"),
        (lambda d: d.pop("key_concepts"), "9.1.yaml: key_concepts: must be a non-empty list"),
        (
            lambda d: d.update(slug="regular-habits"),
            "9.2.yaml: slug: 'regular-habits' also used in 9.1.yaml",
        ),
    ],
)
def test_schema_errors_name_the_file_and_key(section_dir, change, expected):
    _edit(section_dir / "9.1.yaml", change)

    with pytest.raises(content.ContentError, match=re.escape(expected)):
        content.load(stdout=io.StringIO(), directory=section_dir)


def test_invalid_yaml_names_the_file(section_dir):
    (section_dir / "9.3.yaml").write_text("number: [unclosed\n")

    with pytest.raises(content.ContentError, match=r"9\.3\.yaml: invalid YAML"):
        content.load(stdout=io.StringIO(), directory=section_dir)


def test_prerequisites_and_new_parts_are_loaded(section_dir):
    content.load(stdout=io.StringIO(), directory=section_dir)

    second = Section.objects.get(number="9.2")
    assert [s.number for s in second.prerequisites.all()] == ["9.1"]
    assert not Section.objects.get(number="9.1").prerequisites.exists()
    assert "RECAP-MARK" in Section.objects.get(number="9.1").recap
    topic = Topic.objects.get(section__number="9.1", slug="perceptron")
    assert topic.basic.startswith("BASIC-PERCEPTRON-MARK")
    assert topic.detailed.startswith("DETAILED-PERCEPTRON-MARK")


@pytest.mark.parametrize(
    ("prerequisites", "expected"),
    [
        (["3.3"], "9.2.yaml: prerequisites: no section 3.3"),
        (["9.2"], "9.2.yaml: prerequisites: section 9.2 cannot be its own prerequisite"),
        (["later"], "9.2.yaml: prerequisites: must be a list of section numbers"),
    ],
)
def test_bad_prerequisites_are_rejected(section_dir, prerequisites, expected):
    _edit(section_dir / "9.2.yaml", lambda d: d.update(prerequisites=prerequisites))

    with pytest.raises(content.ContentError, match=re.escape(expected)):
        content.load(stdout=io.StringIO(), directory=section_dir)
    assert not Section.objects.exists()  # nothing half-loaded
