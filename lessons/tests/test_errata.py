"""Issue 14 §1: each corrected error stays corrected, in every place it could reappear.

Reads the bundled YAML (glossary terms, lesson sections with their flashcards, quiz banks) as
text leaves; no database. Each test names the wrong claim it keeps out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from dlplatform.yaml_io import LOADER  # LibYAML's parser where built: ten times faster

ROOT = Path(__file__).resolve().parents[2]

CONTENT_DIRS = [
    ROOT / "glossary" / "content" / "terms",
    ROOT / "lessons" / "content" / "sections",
    ROOT / "quizzes" / "content" / "bank",
]


def _walk(node: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        label = node.get("slug")
        for key, value in node.items():
            yield from _walk(value, f"{path}.{label}.{key}" if label else f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")


# Read when a test first asks, not at import: every xdist worker imports every test module.
@functools.cache
def _leaves() -> list[tuple[str, str]]:
    """(file:path, text) for every string in the bundled content, whitespace collapsed."""
    out = []
    for directory in CONTENT_DIRS:
        for path in sorted(directory.glob("*.yaml")):
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)
            for where, text in _walk(data, f"{directory.name}/{path.name}:"):
                out.append((where, " ".join(text.split())))
    return out


@functools.cache
def _terms() -> dict[str, dict]:
    terms = {}
    for path in sorted(CONTENT_DIRS[0].glob("*.yaml")):
        for entry in yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER) or []:
            terms[entry["slug"]] = entry
    return terms


def _matching(pattern: str, flags: int = re.I) -> list[str]:
    return [
        f"{where}: {text[:160]}" for where, text in _leaves() if re.search(pattern, text, flags)
    ]


def _section(number: str) -> dict:
    path = CONTENT_DIRS[1] / f"{number}.yaml"
    return yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)


def test_content_was_read():
    assert len(_leaves()) > 1000 and len(_terms()) > 250


# 1.1 CIFAR-100 is a different set of 60,000 images, not CIFAR-10's images relabelled.
def test_cifar100_is_its_own_image_set():
    assert not _matching(r"CIFAR-100[^.]*\bsame (images|pictures|photos)")
    assert not _matching(r"CIFAR-100[^.]*\b(relabell?ed|re-labell?ed|finer labels for)")
    assert "CIFAR-100" not in _terms()["cifar-10"].get("aliases", [])
    assert re.search(r"CIFAR-100 is a separate", _terms()["cifar-10"]["explanation"])


# 1.2 The forget gate is not in the 1997 LSTM (Gers, Schmidhuber & Cummins added it, 1999/2000).
def test_forget_gate_is_not_dated_1997():
    for where, text in _leaves():
        for sentence in re.split(r"(?<=[.;])\s", text):
            if "1997" in sentence and re.search(r"forget", sentence, re.I):
                assert re.search(r"\bnot\b|\bonly\b|without|Gers|added", sentence), where
    assert "Gers" in _terms()["forget-gate"]["explanation"]
    assert "Gers" in _terms()["long-short-term-memory"]["explanation"]


# 1.4 An alias means the same thing; a different concept is a related (neighbour) term.
WRONG_ALIASES = [
    ("translation-invariance", "translation equivariance", "translation-equivariance"),
    ("global-average-pooling", "global max pooling", "global-max-pooling"),
    ("standardization", "min-max scaling", "min-max-scaling"),
    ("beam-search", "greedy decoding", "greedy-decoding"),
    ("contrastive-loss", "InfoNCE", "infonce-loss"),
    ("meta-learning", "few-shot learning", "few-shot-learning"),
    ("parameter-sharing", "tied weights", "weight-tying"),
    ("pretrained-model", "foundation model", "foundation-model"),
    ("pretrained-model", "backbone", "backbone"),
]


@pytest.mark.parametrize(("slug", "alias", "neighbour"), WRONG_ALIASES)
def test_neighbours_are_related_terms_not_aliases(slug, alias, neighbour):
    aliases = [a.lower() for a in _terms()[slug].get("aliases", [])]
    assert alias.lower() not in aliases
    assert neighbour in _terms(), f"{neighbour} must be its own term"
    assert alias.lower() in [
        _terms()[neighbour]["name"].lower(),
        *map(str.lower, _terms()[neighbour].get("aliases", [])),
    ]
    linked = set(_terms()[slug].get("related", [])) | set(_terms()[neighbour].get("related", []))
    assert {slug, neighbour} & linked, f"{slug} and {neighbour} should be related"


# Instances or parts named as if they were the concept itself (found in the auto-link review).
@pytest.mark.parametrize(
    ("slug", "alias"),
    [
        ("dimensionality-reduction", "PCA"),
        ("dimensionality-reduction", "t-SNE"),
        ("depthwise-separable-convolution", "MobileNet"),
        ("depthwise-separable-convolution", "depthwise convolution"),
        ("generative-pre-trained-transformer", "decoder-only transformer"),
        ("local-minimum", "global minimum"),
        ("internal-covariate-shift", "covariate shift"),
        ("xor-problem", "linear separability"),
        ("collaborative-filtering", "recommender system"),
        ("diffusion-model", "stable diffusion"),
        ("sparse-coding", "sparse autoencoder"),
        ("bayesian-neural-network", "probabilistic neural network"),
    ],
)
def test_an_instance_is_not_an_alias(slug, alias):
    assert alias.lower() not in [a.lower() for a in _terms()[slug].get("aliases", [])]


def test_translation_equivariance_is_defined_against_invariance():
    term = _terms()["translation-equivariance"]
    assert "invarian" in term["explanation"] and term["category"] == "layers"


# 1.5 Backpropagation's cost: one statement, with the reason.
def test_backprop_cost_is_stated_one_way():
    assert not _matching(r"two to three (times|forward)|2\s*[–-]\s*3 (times|forward)")
    assert not _matching(r"comparable to the forward pass|as much as (one|a single) forward pass")
    assert not _matching(r"as much as two forward passes")
    assert "twice" in _terms()["backpropagation"]["explanation"]
    section = _section("6.2")
    assert "twice the forward pass" in section["overview"]["standard"]
    backprop = next(t for t in section["topics"] if t["slug"] == "backpropagation")
    assert "twice the forward pass" in backprop["explanation"]


# 1.6 L1 under plain (sub)gradient SGD does not give exact zeros; proximal steps do.
def test_l1_exact_zeros_need_a_proximal_step():
    l1 = re.compile(r"\bL\**1\b|lasso|sign\(w|‖w‖₁|Σ\s*\|w", re.I)
    for where, text in _leaves():
        if l1.search(text) and re.search(r"exact(ly)? zeros?", text, re.I):
            assert re.search(r"proximal|soft[- ]threshold", text, re.I), where
    assert re.search(r"proximal|soft thresholding", _terms()["l1-regularization"]["explanation"])


# 1.7 "Logit" means the final layer's raw scores only, never any pre-activation.
def test_logit_has_one_meaning():
    assert not _matching(r"pre-?activation\W{0,4}\(?or logit|logit\W{0,4}\(?or pre-?activation")
    assert not _matching(
        r"hidden[^.]{0,40}\blogits?\b[^.]{0,20}(of|for) (every|each) (neuron|unit)"
    )
    assert not [a for a in _terms()["logit"].get("aliases", []) if "activation" in a or "raw" in a]
    assert not _matching(r"logits?'? variance|attention logits")  # attention has scores
    assert "final layer" in _terms()["logit"]["definition"]


# 1.8 The LSTM output gate reads tanh(c_t); it never writes the cell.
def test_output_gate_does_not_touch_the_cell():
    assert not _matching(r"touch(es)? the cell")
    assert not _matching(r"output gate[^.]{0,40}\b(writes|updates|changes|modifies) the cell")


# 1.9 The conv output-size formula keeps its floor everywhere.
def test_output_size_formula_keeps_the_floor():
    bare = r"(?<!⌊)\(\s*W\s*[−-]\s*K(\s*\+\s*2P)?\s*\)\s*/\s*S(?!\s*⌋)"
    assert not _matching(bare, 0)
    assert _matching(r"⌊\(W − K \+ 2P\)/S⌋ \+ 1", 0)


# 1.10 One CNN-pipeline acronym, the same in every section.
def test_one_cnn_pipeline_acronym():
    titles = set()
    for number in ("7.6", "7.8"):
        for topic in _section(number)["topics"]:
            for aid in topic["memory_aids"]:
                if (
                    aid["kind"] == "acronym"
                    and re.search(r"Pool", aid["text"].replace("**", ""))
                    and "Flatten" in aid["text"].replace("**", "")
                ):
                    titles.add(aid["title"])
    assert len(titles) == 1, titles
    assert not _matching(r"Fish Suppers")


# 1.11 Fine-tuning learning rate: about 10× smaller than training from scratch, said one way.
def test_fine_tuning_rate_is_said_one_way():
    assert not _matching(r"10\s*(to|–|-)\s*100\s*(times|×)|100\s*(times|×) smaller")
    for where, text in _leaves():
        if re.search(r"fine-tun", text, re.I):
            for m in re.finditer(r"(\S+)\s*(times|×) (smaller|lower)", text):
                assert m.group(1) in {"10", "ten", "about 10"}, (where, m.group(0))


# 1.12 Autoencoders are unsupervised (and the simplest self-supervised case), said the same way;
# attention for translation dates from 2014, the transformer from 2017, ResNet from 2015.
def test_autoencoders_are_unsupervised_everywhere():
    for where, text in _leaves():
        wrong = r"\bthis is \**self-supervised|autoencoders? (is|are) self-supervised"
        if re.search(r"autoencoder", where + text, re.I) and re.search(wrong, text, re.I):
            pytest.fail(f"{where}: calls autoencoders self-supervised instead of unsupervised")
    assert "unsupervised" in _terms()["autoencoder"]["explanation"]
    topic = next(t for t in _section("8.2")["topics"] if t["slug"] == "autoencoders")
    assert "**unsupervised**" in topic["explanation"]


def test_attention_and_transformer_dates():
    assert not _matching(r"around 2015[^.]*(two ideas|attention)")
    basic = " ".join(_section("8.1")["overview"]["basic"].split())
    assert "2014" in basic and "2017" in basic and "2015" in basic
    assert not _matching(r"attention[^.]{0,60}\b(in|around|from) 2015\b")
