"""Issue 14 §3: the terms the seeds and the lessons name exist in the glossary, and every term is
taught by a section (the linter rule itself is tested in tests/test_check_content.py)."""

import pytest

from dlplatform import content_check

# Reinforcement Learning, WordPiece, RoBERTa, T5 and the true/false positive/negative terms are
# added by the sections that teach them (8.3, 8.4, 8.6 and 6.5).
NAMED = [
    "Computer Vision",
    "Speech Recognition",
    "Facial Recognition",
    "Time Series",
    "Speech Synthesis",
    "Training",
    "Scalar",
    "Vector",
    "Matrix",
    "Decision Boundary",
    "Hyperplane",
    "Evolutionary Algorithm",
    "Sequential Data",
    "Chatbot",
    "Sequence Model",
    "Double Descent",
    "Mixup",
    "CutMix",
    "SpecAugment",
    "Back-Translation",
    "Monte Carlo Dropout",
    "Deep Convolutional GAN",
    "StyleGAN",
    "EfficientNet",
    "Pre-Norm",
    "Constant Error Carousel",
    "Degradation Problem",
    "Negative Transfer",
]


@pytest.fixture(scope="module")
def content():
    return content_check.read_content()[0]


def test_the_named_terms_exist(content):
    names = {entry["name"] for _, entry in content.terms}

    assert [name for name in NAMED if name not in names] == []


def test_every_bundled_term_is_listed_by_a_section(content):
    assert content_check.check_terms_listed(content) == []


def test_each_new_term_is_listed_by_a_section_that_mentions_it(content):
    """A term added for a lesson concept is listed where the lesson text names it."""
    texts = {
        str(section.get("number")): " ".join(t for _, t in content_check._section_texts(section))
        for _, section in content.sections
    }
    for name in ["Double Descent", "Constant Error Carousel", "Degradation Problem", "CutMix"]:
        entry = next(e for _, e in content.terms if e["name"] == name)
        holders = [
            str(s.get("number")) for _, s in content.sections if entry["slug"] in s.get("terms")
        ]
        assert any(name.lower() in texts[n].lower() for n in holders), (name, holders)
