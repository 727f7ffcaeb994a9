"""The audio lessons' pure parts: the cast rules and the admin's textarea, range parsing,
WebVTT, speakable Markdown, content hashing, and the loader's dialogue field."""

from __future__ import annotations

import io

import pytest

from lessons import audio, captions, dialogue, ranges, speakable, tts
from lessons.admin import DialogueField
from lessons.models import Topic

TURNS = [
    {"speaker": s, "line": f"Line {i}."}
    for i, s in enumerate(["Teacher", "Maya", "Teacher", "Leo", "Sam", "Teacher"])
]


# --- the cast rules and the admin textarea --------------------------------------------------------
def test_a_dialogue_of_the_cast_passes_and_each_rule_names_its_fault():
    assert dialogue.problems(TURNS) == []
    bad = [*TURNS[:2], {"speaker": "Bob", "line": "Hi"}, {"speaker": "Maya", "line": " "}]
    assert [str(p) for p in dialogue.problems(bad)] == [
        "turn 3: 'Bob' is not in the cast (Teacher, Maya, Leo, Sam)",
        "turn 4: the line is empty",
        "4 turns, not 6 to 10",
    ]
    alone = [{"speaker": "Teacher", "line": "x"}] * 6
    assert [str(p) for p in dialogue.problems(alone)] == ["1 speaker(s), fewer than 2"]
    assert len(dialogue.problems(TURNS * 2)) == 1  # 12 turns


def test_every_cast_member_has_a_voice_of_their_own_on_each_backend():
    espeak = {(m.espeak_voice, m.espeak_pitch) for m in dialogue.CAST.values()}
    piper = {m.piper_speaker for m in dialogue.CAST.values()}
    assert len(espeak) == len(piper) == len(dialogue.CAST) == 4


def test_the_textarea_round_trips_and_an_error_names_its_line():
    text = dialogue.to_text(TURNS)
    assert dialogue.parse_text("\n" + text + "\n\n") == TURNS
    with pytest.raises(dialogue.DialogueError, match=r"^line 3: write it as") as err:
        dialogue.parse_text("Teacher: Hi.\n\nno colon here")
    assert err.value.line == 3
    with pytest.raises(dialogue.DialogueError, match=r"line 2: 'Bob' is not in the cast"):
        dialogue.parse_text("Teacher: Hi.\nBob: Yo.")


def test_the_admin_field_shows_lines_and_refuses_a_bad_dialogue():
    from django import forms

    field = DialogueField()
    assert field.prepare_value(TURNS).splitlines()[1] == "Maya: Line 1."
    assert field.clean(dialogue.to_text(TURNS)) == TURNS
    assert field.clean("  ") == []
    with pytest.raises(forms.ValidationError, match="line 2: 'Bob'"):
        field.clean("Teacher: a\nBob: b")
    with pytest.raises(forms.ValidationError, match="3 turns, not 6 to 10"):
        field.clean("Teacher: a\nMaya: b\nTeacher: c")


# --- ranges --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 999)),
        ("bytes=-100", (900, 999)),
        ("bytes=-5000", (0, 999)),
        ("bytes=990-5000", (990, 999)),
        ("Bytes = 5 - 9", (5, 9)),
        ("bytes=0-1,5-9", None),  # several ranges: the whole file
        ("items=0-9", None),
        ("bytes=9-5", None),  # invalid: ignored
        ("bytes=-", None),
    ],
)
def test_range_parsing(header, expected):
    assert ranges.parse(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_a_range_past_the_end_is_unsatisfiable(header):
    with pytest.raises(ranges.Unsatisfiable):
        ranges.parse(header, 1000)


# --- captions ------------------------------------------------------------------------------------
def test_webvtt_has_a_cue_per_line_with_its_speaker_and_escaped_text():
    lines = [{"speaker": "Teacher", "line": "a < b & c --> d"}, {"speaker": "Maya", "line": "Yes."}]
    timings = [{"start": 0.0, "end": 1.5}, {"start": 1.5, "end": 3723.25}]
    assert captions.webvtt(lines, timings, voices=True) == (
        "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\n<v Teacher>a &lt; b &amp; c → d\n\n"
        "2\n00:00:01.500 --> 01:02:03.250\n<v Maya>Yes.\n"
    )
    assert "<v" not in captions.webvtt(lines, timings, voices=False)


# --- speakable text ------------------------------------------------------------------------------
def test_markdown_becomes_speakable_lines():
    md = (
        "## A heading\n\nThe **perceptron** uses [[perceptron|weights]] and a [link](http://x).\n"
        "It computes $w \\cdot x + b$ and `step`.\n\n"
        "```python\nprint('code is not read')\n```\n\n- first item\n- second item\n\n"
        "| part | role |\n|---|---|\n| w | weights |\n\n<b>bold</b> html"
    )
    assert speakable.lines(md) == [
        "A heading.",
        "The perceptron uses weights and a link. It computes w times x plus b and step.",
        "first item.",
        "second item.",
        "part, role.",
        "w, weights.",
        "bold html.",
    ]


def test_a_long_paragraph_is_split_at_sentence_ends():
    text = " ".join(f"Sentence number {i} says a few words about nothing much." for i in range(20))
    lines = speakable.lines(text)
    assert len(lines) > 2
    assert all(len(line) <= speakable.MAX_LINE_CHARS for line in lines)
    assert " ".join(lines) == text


# --- what a topic says, and its hash -------------------------------------------------------------
ESPEAK = tts.Backend("espeak-ng", ("espeak-ng",))


def _topic(**fields) -> Topic:
    base = {"explanation": "Standard words.", "basic": "", "detailed": "", "dialogue": TURNS}
    return Topic(slug="t", title="T", **(base | fields))


def test_a_topic_without_basic_or_detailed_text_is_narrated_once():
    assert audio.narration_depths(_topic()) == {"standard": ["basic", "standard", "detailed"]}
    full = _topic(basic="Plain.", detailed="Deep.")
    assert audio.narration_depths(full) == {
        "standard": ["standard"],
        "basic": ["basic"],
        "detailed": ["detailed"],
    }
    scripts = audio.topic_scripts(full)
    assert [(s.kind, s.depth) for s in scripts] == [
        ("dialogue", ""),
        ("narration", "standard"),
        ("narration", "basic"),
        ("narration", "detailed"),
    ]
    assert scripts[3].lines == (("Teacher", "Standard words."), ("Teacher", "Deep."))


def test_the_hash_moves_with_a_line_a_voice_or_the_backend_and_nothing_else():
    script = audio.topic_scripts(_topic())[0]
    digest = audio.content_hash(script, ESPEAK)
    assert digest == audio.content_hash(audio.topic_scripts(_topic())[0], ESPEAK)
    edited = [dict(t) for t in TURNS]
    edited[2]["line"] = "Changed."
    assert audio.content_hash(audio.topic_scripts(_topic(dialogue=edited))[0], ESPEAK) != digest
    swapped = [dict(t) for t in TURNS]
    swapped[1]["speaker"] = "Sam"
    assert audio.content_hash(audio.topic_scripts(_topic(dialogue=swapped))[0], ESPEAK) != digest
    piper = tts.Backend("piper", ("piper",), "/nowhere/voice.onnx")
    assert audio.content_hash(script, piper) != digest
    # the narration of the same topic is another track with another hash
    assert audio.content_hash(audio.topic_scripts(_topic())[1], ESPEAK) != digest


def test_the_backends_command_lines(tmp_path):
    from pathlib import Path

    member = dialogue.CAST["Maya"]
    argv = ESPEAK.argv(member, Path("/tmp/x.wav"))
    assert argv == [
        "espeak-ng",
        "-v",
        "en-us+f3",
        "-p",
        "68",
        "-s",
        "170",
        "-w",
        "/tmp/x.wav",
        "--stdin",
    ]
    model = tmp_path / "voice.onnx"
    piper = tts.Backend("piper", ("piper",), str(model))
    assert "--speaker" not in piper.argv(member, Path("o.wav"))  # no config: one speaker
    (tmp_path / "voice.onnx.json").write_text('{"num_speakers": 904}')
    argv = piper.argv(member, Path("o.wav"))
    assert argv[argv.index("--speaker") + 1] == "1"
    assert argv[argv.index("--output_file") + 1] == "o.wav"


def test_the_backend_follows_the_settings(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(tts.shutil, "which", lambda name: f"/usr/bin/{name}")
    settings.LESSONS_TTS_BACKEND = "none"
    assert tts.configured() is None
    settings.LESSONS_TTS_BACKEND = "auto"
    settings.LESSONS_TTS_PIPER_MODEL = ""
    assert tts.configured().name == "espeak-ng"  # no voice model: espeak-ng
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"onnx")
    settings.LESSONS_TTS_PIPER_MODEL = str(model)
    assert tts.configured().name == "piper"
    settings.LESSONS_TTS_BACKEND = "espeak-ng"
    assert tts.configured().name == "espeak-ng"
    monkeypatch.setattr(tts.shutil, "which", lambda name: None)  # nothing installed
    settings.LESSONS_TTS_BACKEND = "auto"
    assert tts.configured() is None


# --- the loader ----------------------------------------------------------------------------------
def test_the_loader_stores_the_dialogue_and_refuses_a_bad_one(tmp_path, db):
    import shutil

    import yaml

    from lessons import content
    from lessons.tests.factories import FIXTURE_SECTIONS, make_terms

    make_terms()
    for path in FIXTURE_SECTIONS.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    content.load(stdout=io.StringIO(), directory=tmp_path)
    topic = Topic.objects.get(slug="perceptron")
    assert topic.dialogue[1] == {"speaker": "Maya", "line": "It adds them all up."}
    assert Topic.objects.get(slug="activation").dialogue[0]["speaker"] == "Teacher"
    data = yaml.safe_load((tmp_path / "9.1.yaml").read_text())
    data["topics"][0]["dialogue"][2]["speaker"] = "Bob"
    (tmp_path / "9.1.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(
        content.ContentError, match=r"9.1.yaml: topics\[0\].dialogue: turn 3: 'Bob'"
    ):
        content.load(stdout=io.StringIO(), directory=tmp_path)


def test_the_audio_route_matches_the_queue_name(settings):
    from lessons import audio_queue

    assert settings.CELERY_TASK_ROUTES["lessons.tasks.*"] == {"queue": audio_queue.AUDIO_QUEUE}
    from lessons.tasks import render_audio

    assert render_audio.name == audio_queue.RENDER_AUDIO


def test_saving_a_topic_queues_at_commit_only_the_tracks_whose_words_changed(
    course, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from lessons import audio_queue, services
    from lessons.models import AudioTrack

    monkeypatch.setattr(tts.shutil, "which", lambda name: f"/usr/bin/{name}")
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(audio_queue.app, "send_task", lambda name, **kw: sent.append((name, kw)))
    settings.LESSONS_TTS_BACKEND = "espeak-ng"
    settings.LESSONS_AUDIO_SOFT_LIMIT_S, settings.LESSONS_AUDIO_HARD_LIMIT_S = 11, 12
    topic = Topic.objects.get(slug="perceptron")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = services.audio_schedule(topics=[topic])
    assert len(queued) == 4 and sent == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assert {name for name, _ in sent} == {audio_queue.RENDER_AUDIO}
    assert sorted(kw["args"][0] for _, kw in sent) == sorted(t.pk for t in queued)
    assert sent[0][1]["soft_time_limit"] == 11 and sent[0][1]["time_limit"] == 12

    sent.clear()
    settings.LESSONS_AUDIO_AUTORENDER = True
    with django_capture_on_commit_callbacks(execute=True):
        topic.save()  # unchanged: nothing to render
        Topic.objects.get(slug="activation").save()  # no track yet: its two are queued
    assert len(sent) == 2
    sent.clear()
    topic.dialogue[3]["line"] = "Then it adds a bias, and it fires above zero."
    with django_capture_on_commit_callbacks(execute=True):
        topic.save()
    dialogue_track = AudioTrack.objects.get(topic=topic, kind="dialogue")
    assert [kw["args"] for _, kw in sent] == [[dialogue_track.pk]]
