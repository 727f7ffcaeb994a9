"""Every automatic term link in the bundled lessons, listed for a reviewer; known wrong senses fail.

The list is written to auto-links.txt under the test's tmp directory and printed (run with -s to
read it): one line per link, "section/block: slug <- «context with [linked text]»".
"""

from __future__ import annotations

import html as html_lib
import io
import re
from pathlib import Path

import pytest

from glossary.rendering import render_lesson_text
from lessons.content import parse_section, read_section_files

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a class="term-link" href="[^"]*/glossary/([^/"]+)/"[^>]*>(.*?)</a>', re.S)
TAG = re.compile(r"<[^>]+>")

# (slug, words around the link that show the wrong sense): none of these may appear.
WRONG_SENSES = [
    ("bias", r"inductive\s+⟦bias"),
    ("bias", r"⟦bias⟧?[–-]variance"),
    ("bias", r"⟦bias(es)?⟧\s+(and variance|towards|toward|in the data|correction)"),
    ("bias", r"(personal|start-up)\s+⟦bias"),
    ("bias", r"wrong\s+⟦bias"),  # an architecture's assumption, not the neuron's parameter
    ("recall", r"⟦sensitiv\w*⟧\s+(to|of)\b"),
    ("logit", r"pre-activation\s+\(or\s+⟦logit|exam’s\s+⟦raw|⟦raw scores⟧ would have"),
    ("object-detection", r"(anomaly|keypoint|disease)\s+⟦detection"),
    ("kernel", r"(spam|comment)\s+⟦filters?⟧|efficient\s+⟦kernels|attention\s+⟦kernels"),
    ("gating-mechanism", r"(multiply|add|max)\s+⟦gate"),
    ("weight", r"(heavy|lighter)\s+⟦weight"),
    ("accuracy", r"to any\s+⟦accuracy"),
    ("vocabulary", r"⟦Vocabulary⟧\. An iteration"),
    ("label", r"mask is the\s+⟦label|misaligned\s+⟦labels"),
    ("channel", r"only\s+⟦channel⟧\s+through"),
    ("translation-invariance", r"⟦translation equivariance"),
    ("parameter-sharing", r"⟦tied weights"),
    ("pretrained-model", r"⟦backbones?⟧"),
    ("mini-batch", r"⟦Batch⟧, stochastic|⟦Batch⟧ norm"),
    ("stride", r"their\s+⟦stride|Long\s+⟦strides"),  # a runner's stride
    ("generator", r"reliable\s+⟦generator|gives a\s+⟦generator"),  # a generative model, not GAN's
    ("attention-mechanism", r"“⟦Attention⟧ Is All"),
    ("stride", r"memory plus\s+\*?⟦strides|(row has|and)\s+⟦strides"),  # a tensor's memory strides
    ("accuracy", r"gradient\s+⟦accuracy"),  # an exact gradient, not the metric
    ("label", r"offers a\s+⟦label"),  # attention keys, not data labels
    ("normalization", r"length\s+⟦normali"),  # beam-search length normalisation
    ("dimensionality-reduction", r"⟦PCA⟧"),
    ("depthwise-separable-convolution", r"⟦MobileNet⟧"),
]


def _blocks(data: dict) -> list[tuple[str, str]]:
    """(where, Markdown) for every linked text block of one parsed section, as the page shows."""
    out = [(f"overview.{d}", text) for d, text in data["overview"].items()]
    out += [(f"key_concepts[{i}]", k["text"]) for i, k in enumerate(data["key_concepts"])]
    for topic in data["topics"]:
        # Every depth's body is linked: Basic, Standard and the Detailed extra.
        for body in ("basic", "explanation", "detailed"):
            if topic.get(body):
                out.append((f"{topic['slug']}.{body}", topic[body]))
        for part in ("examples", "applications", "memory_aids"):
            out += [(f"{topic['slug']}.{part}[{i}]", e["text"]) for i, e in enumerate(topic[part])]
    if data.get("recap"):
        out.append(("recap", data["recap"]))
    return out


def _plain_with_links(rendered: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Visible text of rendered HTML and the (start, end, slug) of each term link in it."""
    text, spans, position = [], [], 0
    for m in LINK.finditer(rendered):
        text.append(html_lib.unescape(TAG.sub("", rendered[position : m.start()])))
        start = sum(map(len, text))
        text.append(html_lib.unescape(TAG.sub("", m.group(2))))
        spans.append((start, start + len(text[-1]), m.group(1)))
        position = m.end()
    text.append(html_lib.unescape(TAG.sub("", rendered[position:])))
    return "".join(text), spans


def collect_links() -> list[tuple[str, str, str, str]]:
    """(where, slug, linked text, context) for every term link on every bundled section page.

    In the context the linked words are marked ⟦like this⟧."""
    links = []
    for filename, raw in read_section_files():
        data = parse_section(filename, raw)
        for where, text in _blocks(data):
            plain, spans = _plain_with_links(str(render_lesson_text(text)))
            for start, end, slug in spans:
                context = f"{plain[max(0, start - 50) : start]}⟦{plain[start:end]}⟧{plain[end : end + 50]}"
                links.append(
                    (f"{data['number']}/{where}", slug, plain[start:end], " ".join(context.split()))
                )
    return links


@pytest.fixture
def bundled_glossary(db):
    from glossary import content as glossary_content
    from glossary.services import term_index_invalidate

    glossary_content.load(stdout=io.StringIO())
    term_index_invalidate()  # the linker follows the terms just loaded


# slow: a review of the whole course, not a unit: the full bundled glossary loaded and every block
# of every lesson rendered through the linker (5 s of CPU on an idle core); `make test` runs it.
@pytest.mark.slow
def test_list_every_auto_link_and_no_known_wrong_sense(bundled_glossary, tmp_path: Path):
    links = collect_links()
    listing = "\n".join(f"{where}: {slug} <- «{context}»" for where, slug, _, context in links)
    (tmp_path / "auto-links.txt").write_text(listing + "\n", encoding="utf-8")
    print(f"\n{len(links)} automatic term links (also in {tmp_path / 'auto-links.txt'}):")
    print(listing)
    assert len(links) > 200  # the lessons are linked at all
    wrong = [
        f"{where}: {slug} <- «{context}»"
        for where, slug, _, context in links
        for bad_slug, pattern in WRONG_SENSES
        if slug == bad_slug and re.search(pattern, context, re.I)
    ]
    assert not wrong, "\n".join(wrong)
    # The forced overrides in the source ([[generative-model|generator]] in 8.2) link as written.
    forced = [c for w, slug, _, c in links if slug == "generative-model" and w.startswith("8.2/")]
    assert any("reliable ⟦generator⟧" in c for c in forced), forced
