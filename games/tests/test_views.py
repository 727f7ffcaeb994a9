"""Game pages and API: the owner only (anyone else gets a 404), CSRF, 400s for bad input."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from games import selectors, services
from games.models import Round

pytestmark = pytest.mark.django_db


def _start(client, game="match", set_key="section:9.9"):
    return client.post(reverse("games:start"), {"game": game, "set": set_key})


def _round(student, game="match"):
    begin = services.match_start if game == "match" else services.recall_start
    return begin(user=student, game_set=selectors.game_set("section:9.9"), now=timezone.now())


def test_index_lists_sets_and_is_in_the_nav(student_client, game_course):
    html = student_client.get(reverse("games:index")).content.decode()
    assert 'value="section:9.9"' in html and 'value="deck:glossary-fundamentals"' in html
    assert f'href="{reverse("games:index")}" aria-current="page"' in html


def test_a_section_page_links_its_set_and_the_index_preselects_it(student_client, game_course):
    section = student_client.get(reverse("lessons:section", args=["9.9"])).content.decode()
    link = f"{reverse('games:index')}?set=section:9.9"
    assert f'href="{link}"' in section
    index = student_client.get(link).content.decode()
    assert 'value="section:9.9" selected' in index


def test_anonymous_visitors_are_sent_to_log_in(anon_client, game_course):
    for url in [reverse("games:index"), reverse("games:play", args=[uuid.uuid4()])]:
        response = anon_client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _start(anon_client).status_code == 302
    api = reverse("games-api:round-list")
    assert anon_client.get(api).status_code == 403


def test_start_match_and_play_page_hides_the_pairing(student, student_client, game_course):
    response = _start(student_client)
    round = Round.objects.get(user=student)
    assert response.status_code == 302 and response["Location"] == reverse(
        "games:play", args=[round.pk]
    )
    html = student_client.get(response["Location"]).content.decode()
    tiles = re.findall(r'<button type="button" class="tile[^>]*>', html)
    assert len(tiles) == 12
    for tile in tiles:
        attributes = set(re.findall(r"\s([a-z-]+)=", tile))
        assert attributes == {
            "type",
            "class",
            "data-token",
            "data-side",
            "aria-pressed",
            "tabindex",
        }
    for index, _ in round.state["tiles"].values():
        assert f"pair{index}" not in html
    assert str(round.state["pairs"][0]["card"]) not in re.findall(r'data-token="([^"]+)"', html)
    assert 'aria-live="polite"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"game": "chess", "set": "section:9.9"}, "Choose Match or Recall sprint."),
        ({"game": "match", "set": "section:0.0"}, "No such section."),
        ({"game": "recall", "set": "nothing"}, "Choose a section or a deck."),
        ({}, "Choose Match or Recall sprint."),
    ],
)
def test_bad_start_is_a_400_with_the_reason(student_client, game_course, data, message):
    response = student_client.post(reverse("games:start"), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Round.objects.exists()


def test_start_needs_csrf(student, game_course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert _start(client).status_code == 403


def test_starting_too_many_rounds_is_a_429_not_a_500(student_client, game_course, settings):
    from games import views

    for _ in range(views.START_LIMIT):
        assert _start(student_client).status_code == 302
    response = _start(student_client)
    assert response.status_code == 429 and response["Retry-After"]


def test_another_students_round_is_a_404_everywhere(student, other_client, game_course):
    match, sprint = _round(student), _round(student, "recall")
    for url in [reverse("games:play", args=[match.pk]), reverse("games:result", args=[sprint.pk]),
                reverse("games-api:round-detail", args=[match.pk])]:  # fmt: skip
        assert other_client.get(url).status_code == 404
    term, definition = next(iter(_pair_tokens(match).values()))
    pick = other_client.post(reverse("games-api:round-pick", args=[match.pk]),
                             {"first": term, "second": definition}, content_type="application/json")  # fmt: skip
    answer = other_client.post(reverse("games-api:round-answer", args=[sprint.pk]), {"answer": "x"},
                               content_type="application/json")  # fmt: skip
    assert pick.status_code == answer.status_code == 404
    assert other_client.get(reverse("games-api:round-list")).json()["results"] == []
    match.refresh_from_db()
    assert match.score == 0


def test_a_malformed_round_id_is_a_404(student_client, game_course):
    assert student_client.get(reverse("games:play", args=["not-a-uuid"])).status_code == 404


def _pair_tokens(round):
    by_pair: dict[int, dict[str, str]] = {}
    for token, (index, side) in round.state["tiles"].items():
        by_pair.setdefault(index, {})[side] = token
    return {i: (s["term"], s["definition"]) for i, s in by_pair.items()}


def _post(client, name, round, body):
    return client.post(reverse(name, args=[round.pk]), body, content_type="application/json")


def test_api_pick_plays_a_round_to_its_result(student, student_client, game_course):
    round = _round(student)
    pairs = list(_pair_tokens(round).values())
    wrong = _post(
        student_client, "games-api:round-pick", round, {"first": pairs[0][0], "second": pairs[1][1]}
    )
    assert (
        wrong.status_code == 200 and wrong.json()["correct"] is False and wrong.json()["wrong"] == 1
    )
    for term, definition in pairs:
        body = _post(
            student_client, "games-api:round-pick", round, {"first": term, "second": definition}
        ).json()
    assert (
        body["finished"]
        and body["time_ms"] >= 1000
        and body["result_url"] == reverse("games:result", args=[round.pk])
    )
    html = student_client.get(body["result_url"]).content.decode()
    assert "New personal best!" in html and "1 penalty second" in html
    assert (
        student_client.get(reverse("games:play", args=[round.pk]))["Location"] == body["result_url"]
    )


@pytest.mark.parametrize(
    "body",
    [{}, {"first": "a"}, {"first": ["x"], "second": "y"}, {"first": "a" * 41, "second": "b"},
     {"first": "nope", "second": "nada"}, "not json"],
)  # fmt: skip
def test_api_bad_picks_are_400s(student, student_client, game_course, body):
    round = _round(student)
    response = student_client.post(reverse("games-api:round-pick", args=[round.pk]), body,
                                   content_type="application/json")  # fmt: skip
    assert response.status_code == 400


def test_api_answer_plays_a_sprint_and_refuses_bad_input(student, student_client, game_course):
    round = _round(student, "recall")
    assert (
        _post(student_client, "games-api:round-answer", round, {"answer": "x" * 101}).status_code
        == 400
    )
    assert _post(student_client, "games-api:round-answer", round, {}).status_code == 400
    assert (
        _post(
            student_client, "games-api:round-pick", round, {"first": "a", "second": "b"}
        ).status_code
        == 400
    )
    label = round.state["prompts"][0]["label"]
    body = _post(student_client, "games-api:round-answer", round, {"answer": label}).json()
    assert body["counted"] and body["correct"] and body["score"] == 1 and body["next_prompt"]
    Round.objects.filter(pk=round.pk).update(deadline=timezone.now() - timedelta(seconds=5))
    late = _post(student_client, "games-api:round-answer", round, {"answer": "epoch"}).json()
    assert not late["counted"] and late["finished"] and late["score"] == 1
    html = student_client.get(reverse("games:result", args=[round.pk])).content.decode()
    assert "1</span> right of 1 answered" in html


def test_sprint_result_links_each_missed_term(student, student_client, game_course):
    round = _round(student, "recall")
    prompt = round.state["prompts"][0]
    _post(student_client, "games-api:round-answer", round, {"answer": ""})
    Round.objects.filter(pk=round.pk).update(deadline=timezone.now() - timedelta(seconds=5))
    html = student_client.get(reverse("games:play", args=[round.pk]), follow=True).content.decode()
    assert f'<a href="{prompt["href"]}">{prompt["label"]}</a>' in html and "skipped" in html


def test_moves_beyond_the_rate_limit_are_429s(student, student_client, game_course, monkeypatch):
    from games.api import views

    # Two a second: eight quick picks span at most two windows, so one of them overflows.
    monkeypatch.setattr(views, "MOVE_LIMIT", 2)
    round = _round(student)
    pairs = list(_pair_tokens(round).values())
    wrong = {"first": pairs[0][0], "second": pairs[1][1]}
    codes = [
        _post(student_client, "games-api:round-pick", round, wrong).status_code for _ in range(8)
    ]
    assert 429 in codes and set(codes) == {200, 429}
    round.refresh_from_db()
    assert round.wrong == codes.count(200)  # a refused pick costs nothing


def test_wrong_methods_are_405s(student, student_client, game_course):
    round = _round(student)
    assert student_client.get(reverse("games:start")).status_code == 405
    assert student_client.post(reverse("games:index")).status_code == 405
    assert student_client.get(reverse("games-api:round-pick", args=[round.pk])).status_code == 405


def test_the_study_history_page_summarizes_games(student, student_client, game_course):
    round = _round(student)
    for term, definition in _pair_tokens(round).values():
        _post(student_client, "games-api:round-pick", round, {"first": term, "second": definition})
    html = student_client.get(reverse("flashcards:history")).content.decode()
    assert 'id="games-progress-title"' in html and "1 round finished" in html
    assert "6 of 6 terms right" in html and "Section 9.9" not in html and "9.9 Training" in html


def test_the_admin_lists_rounds_without_their_pairing(student, game_course, django_user_model):
    round = _round(student)
    admin = django_user_model.objects.create_superuser("root", "r@example.org", "pw-root-123")
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("admin:games_round_changelist")).status_code == 200
    html = client.get(reverse("admin:games_round_change", args=[round.pk])).content.decode()
    assert "9.9 Training" in html and next(iter(round.state["tiles"])) not in html
