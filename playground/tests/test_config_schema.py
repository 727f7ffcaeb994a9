"""One schema for the run configuration (training/config.py): the form's fields, the API's
checks, the estimate, the model builder and the block builder's JavaScript all follow it, and
a setting it does not know is an error everywhere instead of being dropped."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from playground import services
from playground.api.serializers import JobCreateSerializer
from playground.forms import FORMS, CnnForm
from playground.models import Job
from playground.tests.conftest import FORM_FIELDS, TINY_CNN, TINY_TEXT, cnn_form_data
from playground.training import config as C

pytestmark = pytest.mark.django_db
API = "/api/playground/jobs/"


@pytest.mark.parametrize("kind", ["cnn", "text"])
def test_form_fields_take_default_bounds_and_help_from_the_schema(kind):
    form = FORMS[kind]()
    for name, spec in C.specs(kind).items():
        field = form.fields[name]
        default = json.dumps(spec.default) if spec.type == "list" else spec.default
        assert field.initial == default, name
        assert field.help_text == spec.help, name
        if spec.type in ("int", "float"):
            assert (field.min_value, field.max_value) == (spec.low, spec.high), name
            assert field.required is not spec.optional, name
        if spec.choices and name != "dataset":  # the dataset labels say what is installed
            assert list(field.choices) == list(spec.choices), name
    # The form once started from lr=0.003, batch 64, 6 epochs; the dataclass said otherwise.
    defaults = C.CONFIGS[kind]()
    for name in ("lr", "batch_size", "epochs"):
        assert form.fields[name].initial == getattr(defaults, name)


def test_the_form_gives_the_dataclass_once():
    form = CnnForm({**cnn_form_data(), "blocks": json.dumps(TINY_CNN["blocks"])})
    assert form.is_valid(), form.errors
    cfg = form.config()
    assert isinstance(cfg, C.CnnConfig) and form.config() is cfg
    posted = {name: TINY_CNN[name] for name in FORM_FIELDS}  # the rest take their default
    assert cfg == C.CnnConfig(blocks=TINY_CNN["blocks"], **posted)


def test_an_unknown_setting_is_a_form_error():
    data = {**cnn_form_data(), "blocks": json.dumps(TINY_CNN["blocks"]), "learning_rate": "0.1"}
    form = CnnForm(data)
    assert not form.is_valid()
    assert form.non_field_errors() == ["Unknown setting: learning_rate."]


def test_an_unknown_block_field_is_an_error_on_blocks():
    blocks = [{**TINY_CNN["blocks"][0], "out": 4}]
    form = CnnForm({**cnn_form_data(), "blocks": json.dumps(blocks)})
    assert not form.is_valid()
    assert form.errors["blocks"] == ["Block 1: unknown field out."]


@pytest.mark.parametrize("kind, config", [("cnn", TINY_CNN), ("text", TINY_TEXT)])
def test_the_api_refuses_unknown_settings_per_field(student_client, kind, config):
    body = {"kind": kind, "config": {**config, "learning_rate": 0.1, "hiden": 3}}
    resp = student_client.post(API, body, content_type="application/json")
    assert resp.status_code == 400
    assert resp.json() == {
        "config": {"hiden": ["Unknown setting."], "learning_rate": ["Unknown setting."]}
    }
    assert not Job.objects.exists()


def test_the_serializer_hands_on_the_dataclass(student):
    ser = JobCreateSerializer(data={"kind": "text", "config": {"cell": "gru", "hidden": 16}})
    assert ser.is_valid(), ser.errors
    cfg = ser.validated_data["config"]
    assert isinstance(cfg, C.TextConfig) and (cfg.cell, cfg.hidden) == ("gru", 16)
    job = services.job_submit(user=student, **ser.validated_data)
    assert job.config == cfg.to_dict()


def test_stored_dicts_are_read_strictly(student):
    with pytest.raises(C.ConfigError) as caught:
        services.job_submit(user=student, kind="cnn", config={**TINY_CNN, "lrate": 1})
    assert caught.value.errors == {"lrate": ["Unknown setting."]}
    assert not Job.objects.exists()
    assert C.config_from("text", {"cell": "rnn"}) == C.TextConfig(cell="rnn")


def test_the_page_embeds_the_block_schema_for_the_builder(student_client):
    html = student_client.get(reverse("playground:new") + "?experiment=cnn").content.decode()
    start = html.index('<script id="pg-builder" type="application/json">') + len(
        '<script id="pg-builder" type="application/json">'
    )
    embedded = json.loads(html[start : html.index("</script>", start)])
    assert embedded == json.loads(json.dumps(C.builder_schema()))
    assert set(embedded["blocks"]) == set(C.BLOCK_TYPES)
    assert embedded["blocks"]["conv"]["fields"]["channels"] == {
        "type": "int",
        "default": 16,
        "min": 1,
        "max": 128,
        "step": 1,
    }
    for block_type, block in C.BLOCKS.items():  # the "add block" menu lists every type
        assert f'<option value="{block_type}" title="{block.shape}">{block.label}</option>' in html


def test_block_defaults_are_valid_blocks():
    for block_type, block in C.BLOCKS.items():
        made = {"type": block_type, **{n: s.default for n, s in block.fields.items()}}
        assert C.clean_block(0, made) == made


@pytest.mark.parametrize("kind", ["cnn", "text"])
def test_the_schema_defaults_are_the_dataclass_defaults(kind):
    assert C.defaults(kind) == C.CONFIGS[kind]().to_dict()


def test_the_api_schema_documents_each_setting_from_the_schema(anon_client):
    components = anon_client.get("/api/schema/?format=json").json()["components"]["schemas"]
    create = components["JobCreateRequest"]["properties"]["config"]["$ref"].rsplit("/", 1)[1]
    kinds = [ref["$ref"].rsplit("/", 1)[1] for ref in components[create]["oneOf"]]
    assert kinds == ["CnnConfigRequest", "TextConfigRequest"]
    for kind, name in zip(C.CONFIGS, kinds, strict=True):
        documented = components[name]["properties"]
        assert list(documented) == list(C.specs(kind))
        for setting, spec in C.specs(kind).items():
            if spec.type in ("int", "float"):
                got = (documented[setting]["minimum"], documented[setting]["maximum"])
                assert got == (spec.low, spec.high), setting
