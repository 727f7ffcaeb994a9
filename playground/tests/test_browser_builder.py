"""In real Chromium: the block builder reads its block types, bounds and defaults from the schema
the page embeds (training/config.py), and the server accepts what it builds."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from conftest import login
from playground.training.config import BLOCKS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_added_blocks_take_the_schema_defaults_and_bounds(page, live_server, student):
    login(page, live_server, student)
    page.goto(f"{live_server.url}/playground/new/?experiment=cnn")
    expect(page.locator("#est-params")).not_to_have_text("–")
    page.select_option("#id_preset", "small-fast")
    before = len(json.loads(page.input_value("#id_blocks")))
    for block_type in ("dropout", "dense"):
        page.select_option("#add-block-type", block_type)
        page.click("#add-block")
    blocks = json.loads(page.input_value("#id_blocks"))
    assert len(blocks) == before + 2
    for block, block_type in zip(blocks[-2:], ("dropout", "dense"), strict=True):
        fields = BLOCKS[block_type].fields
        assert block == {"type": block_type, **{n: s.default for n, s in fields.items()}}
    p = page.locator(f"#blk-{before}-p")  # the dropout's probability, bounded as the schema says
    spec = BLOCKS["dropout"].fields["p"]
    bounds = [float(p.get_attribute(a) or "nan") for a in ("min", "max", "step")]
    assert bounds == [spec.low, spec.high, spec.step]
    expect(page.locator("#est-errors")).to_be_empty()  # the server took what the builder made
    assert page.js_errors == []
