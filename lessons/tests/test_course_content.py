"""Claims in the bundled course that must stay right (issue 14 review, helper coursework)."""

import re
from pathlib import Path

import yaml

from dlplatform.yaml_io import LOADER  # LibYAML's parser where built: ten times faster

ROOT = Path(__file__).resolve().parents[2]

FILES = [
    *sorted((ROOT / "lessons" / "content" / "sections").glob("*.yaml")),
    *sorted((ROOT / "quizzes" / "content" / "bank").glob("*.yaml")),
    *sorted((ROOT / "glossary" / "content" / "terms").glob("*.yaml")),
]


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _texts() -> list[str]:
    return [
        " ".join(t.split())
        for p in FILES
        for t in _strings(yaml.load(p.read_text(), Loader=LOADER))
    ]


def test_uncorrected_adam_steps_are_not_called_too_small():
    """Without bias correction m/√v is inflated (v is biased toward 0 far more than m)."""
    wrong = re.compile(
        r"(bias correction|correct)[^.]{0,120}\bsteps?\b[^.]{0,40}(too small|tiny)", re.I
    )
    assert [t for t in _texts() if wrong.search(t)] == []


def test_section_78_is_the_comparison_section_not_a_third_telling():
    data = yaml.safe_load((ROOT / "lessons/content/sections/7.8.yaml").read_text())
    shared = {"convolutional-neural-network", "recurrent-neural-network"}
    earlier = set()
    for number in ("7.6", "7.7"):
        earlier |= set(
            yaml.safe_load((ROOT / f"lessons/content/sections/{number}.yaml").read_text())["terms"]
        )
    own = [slug for slug in data["terms"] if slug not in earlier | shared]
    assert len(own) >= len(data["terms"]) / 2, own
    text = " ".join(_strings(data["topics"]))
    for phrase in ("1-D CNN", "transformer", "table", "graph", "Parameters", "parallel"):
        assert phrase.lower() in text.lower(), phrase
    # the equations of 7.7 are not retold
    assert "f_t = σ(" not in text and "c_t = f_t ⊙ c_{t-1}" not in text


def test_78_worked_numbers():
    """The side-by-side costs for n = 100, d = 512 (biases included)."""
    n, d = 100, 512
    rnn = d * (d + d) + d
    assert (rnn, 3 * rnn, 4 * rnn) == (524_800, 1_574_400, 2_099_200)
    assert 3 * d * d + d == 786_944 and n * 3 * d * d == 78_643_200
    attention = n * 4 * d * d + 2 * n * n * d
    assert 4 * (d * d + d) == 1_050_624 and attention == 115_097_600
    assert 51_200 * 512 + 512 == 26_214_912
    assert 1 + 2 * sum(2**i for i in range(7)) == 255
    text = (ROOT / "lessons/content/sections/7.8.yaml").read_text()
    for figure in ("524,800", "1,574,400", "2,099,200", "786,944", "1,050,624", "115.1M", "255"):
        assert figure in text, figure
