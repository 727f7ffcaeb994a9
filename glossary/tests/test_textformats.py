"""Parsers for plain-text study material: each format, detection, and line-numbered errors."""

from __future__ import annotations

import pytest

from glossary.textformats import ParseError, detect_format, parse, parse_numbered, parse_pairs

from .conftest import FIXTURES

TEXT = FIXTURES / "text"


def _read(name: str) -> str:
    return (TEXT / name).read_text()


def test_numbered_list_with_lines_bullets_and_trailer():
    items = parse_numbered(_read("numbered.txt"))
    assert [(i.line, i.front) for i in items] == [
        (3, "Epoch"),
        (6, "Mini-Batch (MB)"),
        (10, "Learning Rate"),
        (14, "GAN (Generative Adversarial Network)"),
    ]
    assert items[0].back == "One full pass of the training loop over every example."
    assert items[1].back == (
        "- A small group of examples whose gradients are averaged for one update.\n- Sizes of 32 to 256 are common."
    )
    assert items[2].back == (
        "The step size used when the optimizer moves the weights.\n\nIt is usually the first hyperparameter to tune."
    )
    # A single bullet is the definition itself; the closing sentence is not part of item 10.
    assert (
        items[3].back == "Two networks trained against each other: a generator and a discriminator."
    )


def test_qa_multi_paragraph_answers_with_bullets():
    fmt, items = parse(_read("qa.txt"))
    assert fmt == "qa"
    assert [(i.line, i.front) for i in items] == [
        (3, "What is an epoch?"),
        (6, "What are optimizers?"),
        (13, "Why does the loss go up sometimes?"),
    ]
    assert items[1].back == (
        "Optimizers turn gradients into weight updates.\n\nCommon choices:\n\n- SGD with momentum\n- Adam\n\n"
        "They differ in how they scale each step."
    )
    # A hard-wrapped line continues its paragraph.
    assert items[2].back.startswith(
        "A learning rate that is too large makes updates overshoot the minimum, so"
    )


def test_pairs():
    fmt, items = parse(_read("pairs.txt"))
    assert fmt == "pairs"
    assert [(i.line, i.front, i.back[:9]) for i in items] == [
        (1, "Stride", "How far t"),
        (4, "Padding", "Extra bor"),
        (6, "Kernel", "A small g"),
    ]


def test_tsv_with_header_quizlet():
    fmt, items = parse(_read("quizlet.tsv"), filename="quizlet.tsv")
    assert fmt == "csv"
    assert [(i.line, i.front, i.back) for i in items] == [
        (2, "Stride", "How far the kernel moves between two positions."),
        (3, "Padding", "Extra border values, often zeros."),
    ]


def test_csv_anki_with_comment_header_and_multiline_cell():
    fmt, items = parse(_read("anki.csv"), filename="anki.csv")
    assert fmt == "csv"
    assert [(i.line, i.front) for i in items] == [(4, "Dropout"), (6, "Epoch")]
    assert (
        items[0].back
        == "Randomly turning units off during training,\nso no unit can be relied on alone."
    )


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("numbered.txt", "numbered"),
        ("qa.txt", "qa"),
        ("pairs.txt", "pairs"),
        ("quizlet.tsv", "csv"),
    ],
)
def test_detection(name, fmt):
    assert detect_format(_read(name)) == fmt


def test_detects_tsv_without_extension():
    assert detect_format("Stride\tStep size.\nPadding\tBorder values.\n") == "csv"


def test_numbered_errors_list_every_bad_line():
    with pytest.raises(ParseError) as excinfo:
        parse_numbered(_read("bad_numbered.txt"))
    assert excinfo.value.errors == [
        (4, "no definition after the term: 'Batch'"),
        (9, "no definition after the term: 'Stride'"),
    ]
    assert "line 4: no definition" in str(excinfo.value)


def test_pairs_error_names_the_line():
    with pytest.raises(ParseError) as excinfo:
        parse_pairs(_read("bad_pairs.txt"))
    assert excinfo.value.errors == [(3, "term 'Padding' has no definition line after it")]


def test_csv_row_missing_a_column():
    with pytest.raises(ParseError) as excinfo:
        parse("term,definition\nStride,Step size\nPadding\n", fmt="csv")
    assert excinfo.value.errors == [(3, "needs a term and a definition column")]


def test_qa_question_without_answer_and_empty_input():
    with pytest.raises(ParseError) as excinfo:
        parse("What is a tensor?\nA grid of numbers.\nWhat is a kernel?\n", fmt="qa")
    assert excinfo.value.errors == [(3, "question without an answer: 'What is a kernel?'")]
    with pytest.raises(ParseError):
        parse("", fmt="numbered")
    with pytest.raises(ParseError):
        parse("x", fmt="yaml")
