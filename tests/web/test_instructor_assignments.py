"""Issue 10 §4 for instructors: share links through registration, share codes, the assignment page's settings and
actions (edit, close now, reopen, soft delete), one learner's attempt, the gradebook's question columns, item
analysis counted by content, the upload preview's warnings, and dates in the instructor's time zone."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.core.timezones import grouped_zones, local_to_utc
from quizapp.extensions import db
from quizapp.instructor.codes import SHARE_CODE_ALPHABET
from quizapp.models import Assignment, BankUpload, QuizAttempt, User
from tests.conftest import AuthActions
from tests.web.test_instructor import AIKEN, create_assignment, import_bank, make_instructor, take, upload

GIFT = """::M::Which of these are LLMs? {~%50%GPT-4 ~%50%Claude ~%-100%StyleGAN}

::P::Match each model with its family. {=GPT-3 -> Large language model =StyleGAN -> Generative adversarial network}
"""


def _tag_attrs(tag: str) -> dict[str, str]:
    return dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag))


def answer_by_text(client: FlaskClient, attempt_id: int, ticks: list[str], pairs: dict[str, str]) -> None:
    """Answer the current question: tick the options with these texts, or match items to choices by text."""
    html = client.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    action = re.search(r'action="(/quiz/\d+/answer/\d+)"', html).group(1)
    labels = {key: re.sub(r"<[^>]+>", "", re.sub(r"<kbd.*?</kbd>", "", text)).strip()
              for key, text in re.findall(r'<label[^>]*for="([^"]+)"[^>]*>(.*?)</label>', html, re.S)}
    data: dict[str, object] = {}
    boxes = [_tag_attrs(t) for t in re.findall(r"<input[^>]*>", html) if 'type="checkbox"' in t]
    if boxes:
        data["choice"] = [b["value"] for b in boxes if labels.get(b["id"], "").strip() in ticks]
    for select_id, body in re.findall(r'<select id="(pair_\d+)"[^>]*>(.*?)</select>', html, re.S):
        options = {text: value for value, text in re.findall(r'<option value="(\d+)">([^<]*)</option>', body)}
        data[select_id] = options[pairs[labels[select_id].strip()]]
    assert client.post(action, data=data).status_code == 302


def finish(client: FlaskClient, attempt_id: int) -> None:
    client.post(f"/quiz/{attempt_id}/finish")


@pytest.fixture
def teacher(app: Flask) -> FlaskClient:
    client = app.test_client()
    make_instructor(app, client)
    return client


def test_a_share_link_survives_registration_and_login(app: Flask, teacher: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt")
    _, code = create_assignment(teacher, slug)
    guest = app.test_client()
    to_login = guest.get(f"/a/{code}")
    assert to_login.status_code == 302 and "next=" in to_login.location
    login_page = guest.get(to_login.location).get_data(as_text=True)
    register_link = re.search(r'No account yet\? <a href="([^"]*)"', login_page).group(1).replace("&amp;", "&")
    assert register_link.endswith(f"next=/a/{code}") or register_link.endswith(f"next=%2Fa%2F{code}")
    registered = guest.post(register_link, data={"username": "newbie", "display_name": "Newbie",
                                                 "password": "correct-horse", "confirm": "correct-horse"})
    assert registered.status_code == 302 and registered.location == f"/a/{code}"
    assert "Start attempt 1" in guest.get(registered.location).get_data(as_text=True)

    guest.post("/auth/logout")
    logged_in = guest.post(f"/auth/login?next=/a/{code}", data={"username": "newbie", "password": "correct-horse"})
    assert logged_in.location == f"/a/{code}"


@pytest.mark.parametrize("target", ["https://evil.example/a/x", "//evil.example/a/x", "/\\evil.example",
                                    "http:/evil.example", "javascript:alert(1)", "/a/x\r\nSet-Cookie: x=1"])
def test_registering_refuses_a_next_to_another_site(app: Flask, target: str):
    guest = app.test_client()
    response = guest.post("/auth/register", query_string={"next": target}, data={
        "username": "newbie", "display_name": "Newbie", "password": "correct-horse", "confirm": "correct-horse"})
    assert response.status_code == 302 and response.location == "/"
    guest.post("/auth/logout")
    response = guest.post("/auth/login", query_string={"next": target},
                          data={"username": "newbie", "password": "correct-horse"})
    assert response.status_code == 302 and response.location == "/"


def test_share_codes_have_no_look_alikes_and_old_codes_keep_working(app: Flask, teacher: FlaskClient):
    assert not set("lI1O0o") & set(SHARE_CODE_ALPHABET)
    slug = import_bank(teacher, AIKEN, "week1.txt")
    codes = [create_assignment(teacher, slug)[1] for _ in range(5)]
    assert all(re.fullmatch(f"[{SHARE_CODE_ALPHABET}]{{8}}", code) for code in codes)
    learner = app.test_client()
    AuthActions(learner).register("lea")
    typed = learner.post("/a", data={"code": codes[0].lower()})
    assert learner.get(typed.location).status_code == 200  # typed in lower case
    assignment_id, _ = create_assignment(teacher, slug)
    with app.app_context():
        db.session.get(Assignment, assignment_id).code = "Xy_0lO1a"  # a code from before (token_urlsafe)
        db.session.commit()
    assert learner.get("/a/Xy_0lO1a").status_code == 200


def test_settings_edit_close_reopen_and_delete(app: Flask, teacher: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt")
    assignment_id, code = create_assignment(teacher, slug, attempts_allowed=3, time_limit_minutes=15)
    page = teacher.get(f"/instructor/assignments/{assignment_id}").get_data(as_text=True)
    for shown in ("Settings", "15 minutes", "Attempts allowed</dt><dd>3", "Closes</dt><dd>never", "open"):
        assert shown in page
    edit = teacher.get(f"/instructor/assignments/{assignment_id}/edit").get_data(as_text=True)
    assert 'value="Week 1"' in edit and "Save changes" in edit
    saved = teacher.post(f"/instructor/assignments/{assignment_id}/edit", data={
        "title": "Week 1 (resit)", "question_count": 2, "feedback": "immediate", "attempts_allowed": 2,
        "time_limit_minutes": "", "timezone": "UTC"})
    assert saved.status_code == 302
    page = teacher.get(saved.location).get_data(as_text=True)
    assert "Week 1 (resit)" in page and "Attempts allowed</dt><dd>2" in page and "Time limit</dt><dd>none" in page

    learner = app.test_client()
    AuthActions(learner).register("lea")
    take(learner, code)
    assert teacher.post(f"/instructor/assignments/{assignment_id}/close").status_code == 302
    assert "not open now" in learner.get(f"/a/{code}").get_data(as_text=True)
    refused = learner.post(f"/a/{code}/start")
    assert "/quiz/" not in refused.location
    assert "Reopen" in teacher.get(f"/instructor/assignments/{assignment_id}").get_data(as_text=True)
    teacher.post(f"/instructor/assignments/{assignment_id}/reopen")
    assert "Start attempt 2" in learner.get(f"/a/{code}").get_data(as_text=True)

    deleted = teacher.post(f"/instructor/assignments/{assignment_id}/delete")
    assert deleted.location == "/instructor/"
    assert f'href="/instructor/assignments/{assignment_id}"' not in teacher.get("/instructor/").get_data(as_text=True)
    assert teacher.get(f"/instructor/assignments/{assignment_id}").status_code == 404
    assert learner.get(f"/a/{code}").status_code == 404
    with app.app_context():  # a soft delete: the attempts and the row stay
        assert db.session.get(Assignment, assignment_id).deleted_at is not None
        assert db.session.execute(select(func.count(QuizAttempt.id))
                                  .filter_by(assignment_id=assignment_id)).scalar_one() == 1
    assert "lea" in learner.get("/progress").get_data(as_text=True).lower()


def test_an_instructor_opens_any_learners_attempt(app: Flask, teacher: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt")
    assignment_id, code = create_assignment(teacher, slug, shuffle="")
    learner = app.test_client()
    AuthActions(learner).register("lea", display_name="Lea Learner")
    attempt_id = take(learner, code, choice="1")
    page = teacher.get(f"/instructor/assignments/{assignment_id}").get_data(as_text=True)
    link = f"/instructor/assignments/{assignment_id}/attempts/{attempt_id}"
    assert link in page
    detail = teacher.get(link).get_data(as_text=True)
    assert "Lea Learner, attempt 1" in detail and "Which model family is an LLM?" in detail
    assert "GPT" in detail and "Only an encoder" in detail  # both answers given, as given
    assert "of 2 (50.0%)" in detail and "Time taken" in detail
    other = app.test_client()
    make_instructor(app, other, "other")
    assert other.get(link).status_code == 403
    assert teacher.get(f"/instructor/assignments/{assignment_id}/attempts/{attempt_id + 99}").status_code == 404


def test_gradebook_csv_has_a_column_per_question(app: Flask, teacher: FlaskClient):
    formula = "=HYPERLINK(\"http://x\") is a prompt?\nA) yes\nB) no\nANSWER: A\n"
    slug = import_bank(teacher, AIKEN + "\n" + formula, "week1.txt")
    assignment_id, code = create_assignment(teacher, slug, question_count=3, shuffle="")
    learner = app.test_client()
    AuthActions(learner).register("lea")
    take(learner, code, choice="1")
    rows = list(csv.reader(io.StringIO(teacher.get(f"/instructor/assignments/{assignment_id}/gradebook.csv")
                                       .get_data(as_text=True))))
    header, row = rows[0], rows[1]
    questions = [h for h in header if re.match(r"'?Q\d+: ", h)]
    assert len(questions) == 3 and header[-1] == "essays awaiting grading"
    assert any(h.startswith("Q1: Which model family is an LLM?") for h in questions)
    assert "'=HYPERLINK" not in "".join(questions) and not any(h.startswith("=") for h in header)
    cells = dict(zip(header, row, strict=True))
    assert cells[next(h for h in questions if "LLM" in h)] == "GPT [1]"
    assert cells[next(h for h in questions if "GAN" in h)] == "Only an encoder [0]"


def test_item_analysis_counts_multiple_answers_by_content_and_shows_units(app: Flask, teacher: FlaskClient):
    slug = import_bank(teacher, GIFT, "models.gift")
    assignment_id, code = create_assignment(teacher, slug, attempts_allowed=0)
    for n in range(4):
        learner = app.test_client()
        AuthActions(learner).register(f"learner{n}")
        attempt_id = int(learner.post(f"/a/{code}/start").location.rsplit("/", 1)[1])
        for _ in range(2):
            answer_by_text(learner, attempt_id, ["GPT-4", "Claude"],
                           {"GPT-3": "Large language model", "StyleGAN": "Generative adversarial network"})
        finish(learner, attempt_id)
    page = teacher.get(f"/instructor/assignments/{assignment_id}").get_data(as_text=True)
    assert page.count("Claude; GPT-4: 4") == 1 and "GPT-4; Claude" not in page
    assert "GPT-3 → Large language model; StyleGAN → Generative adversarial network: 4" in page
    for label in ("Facility (%)", "Discrimination index (%)", "Discriminative efficiency (%)", "What the figures mean",
                  'title="Average mark, in percent'):
        assert label in page


def test_upload_preview_warns_on_a_weight_inside_an_answer_and_shows_true_false_feedback(teacher: FlaskClient):
    text = ("::Cap::Capital of France? {=Paris ~London %50%Lyon ~Rome}\n\n"
            "::TF::An LLM is a kind of Generative AI. {T#No: an LLM is one kind of Generative AI.#Right: LLMs are "
            "generative models.}\n")
    preview = teacher.get(upload(teacher, text, "caps.gift").location).get_data(as_text=True)
    assert "line 1: &#39;London %50%Lyon&#39; has %50% inside the answer text" in preview
    assert "Feedback for the right pick (true): Right: LLMs are generative models." in preview
    assert "Feedback for the wrong pick (false): No: an LLM is one kind of Generative AI." in preview


def test_upload_shows_warnings_even_when_the_file_has_errors(teacher: FlaskClient):
    text = "::A::Capital? {=Paris ~London %50%Lyon}\n\n::B::Broken {=a ~%33%b}\n"
    response = upload(teacher, text, "bad.gift")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "not imported" in html
    assert "Warnings (1)" in html and "has %50% inside the answer text" in html


def test_dates_are_entered_and_shown_in_the_instructors_zone(app: Flask, teacher: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt")
    form = teacher.get(f"/instructor/banks/{slug}/assign").get_data(as_text=True)
    assert '<optgroup label="Europe">' in form and "data-guess" in form and 'selected value="UTC"' in form
    for legacy in ("GB-Eire", "Navajo", "Factory", "Etc/GMT+5", "US/Pacific"):
        assert f'value="{legacy}"' not in form
    assignment_id, _ = create_assignment(teacher, slug, timezone="Europe/Paris", opens_at="2026-07-01T10:00",
                                         closes_at="2026-07-08T18:30", feedback="after_close")
    with app.app_context():
        item = db.session.get(Assignment, assignment_id)
        assert (item.opens_at, item.closes_at) == (datetime(2026, 7, 1, 8, 0), datetime(2026, 7, 8, 16, 30))
        assert db.session.execute(select(User.timezone).filter_by(username="teach")).scalar_one() == "Europe/Paris"
    page = teacher.get(f"/instructor/assignments/{assignment_id}").get_data(as_text=True)
    assert "2026-07-01 10:00 CEST" in page and "2026-07-08 18:30 CEST" in page
    edit = teacher.get(f"/instructor/assignments/{assignment_id}/edit").get_data(as_text=True)
    assert 'value="2026-07-01T10:00"' in edit and "data-guess" not in edit
    refused = teacher.post(f"/instructor/banks/{slug}/assign", data={
        "title": "x", "question_count": 2, "feedback": "immediate", "attempts_allowed": 1, "timezone": "Navajo"})
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)


def test_a_waiting_upload_shows_its_time_in_the_instructors_zone(app: Flask, teacher: FlaskClient):
    with app.app_context():
        db.session.execute(User.__table__.update().where(User.username == "teach").values(timezone="Asia/Tokyo"))
        db.session.commit()
    assert upload(teacher, AIKEN, "week1.txt").status_code == 302
    with app.app_context():
        created = db.session.execute(select(BankUpload.created_at)).scalar_one()
    page = teacher.get("/instructor/").get_data(as_text=True)
    assert f"uploaded {created + timedelta(hours=9):%Y-%m-%d %H:%M} JST" in page  # Tokyo has no summer time


def test_existing_utc_dates_display_in_utc(app: Flask, teacher: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt")
    assignment_id, _ = create_assignment(teacher, slug)
    with app.app_context():
        db.session.get(Assignment, assignment_id).closes_at = datetime(2030, 1, 2, 3, 4)
        db.session.commit()
    assert "2030-01-02 03:04 UTC" in teacher.get(f"/instructor/assignments/{assignment_id}").get_data(as_text=True)


def test_time_zone_choices_and_conversion():
    zones = [name for names in grouped_zones().values() for name in names]
    assert "Europe/Paris" in zones and "America/Argentina/Buenos_Aires" in zones and zones[0] == "UTC"
    assert not [z for z in zones if z.startswith(("Etc/", "US/")) or ("/" not in z and z != "UTC")]
    assert local_to_utc(datetime(2026, 1, 15, 9, 0), "America/New_York") == datetime(2026, 1, 15, 14, 0)
    assert local_to_utc(datetime(2026, 1, 15, 9, 0), "No/Such_Zone") == datetime(2026, 1, 15, 9, 0)


def test_close_and_reopen_clear_a_future_opening_and_reopen_resets_after_close_feedback(app: Flask,
                                                                                        teacher: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt")
    assignment_id, _ = create_assignment(teacher, slug, opens_at="2099-01-01T10:00", closes_at="2099-02-01T10:00",
                                         feedback="after_close")
    closed = teacher.post(f"/instructor/assignments/{assignment_id}/close", follow_redirects=True)
    assert "Week 1 is closed. Reopen it to let learners start again." in closed.get_data(as_text=True)
    with app.app_context():
        item = db.session.get(Assignment, assignment_id)
        assert item.opens_at is None and item.closes_at is not None and item.feedback == "after_close"
        item.opens_at = datetime(2099, 1, 1)  # set to open later again, then reopened now
        db.session.commit()
    reopened = teacher.post(f"/instructor/assignments/{assignment_id}/reopen", follow_redirects=True)
    assert "Week 1 is open again, with no closing time." in reopened.get_data(as_text=True)
    with app.app_context():
        item = db.session.get(Assignment, assignment_id)
        # "after the assignment closes" needs a closing time, which reopening removed
        assert item.opens_at is None and item.closes_at is None and item.feedback == "immediate"


LEGACY_ALIASES = ("Australia/ACT", "Australia/NSW", "Australia/North", "Australia/Canberra", "Asia/Calcutta",
                  "Europe/Kiev", "America/Buenos_Aires", "Pacific/Samoa", "Atlantic/Faeroe")


def test_the_zone_list_offers_no_legacy_alias_and_is_built_once(app: Flask, teacher: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt")
    form = teacher.get(f"/instructor/banks/{slug}/assign").get_data(as_text=True)
    for alias in LEGACY_ALIASES:
        assert f'value="{alias}"' not in form, alias
    for current in ("Australia/Sydney", "Australia/Darwin", "Asia/Kolkata", "Europe/Kyiv",
                    "America/Argentina/Buenos_Aires", "Pacific/Pago_Pago", "Atlantic/Faroe"):
        assert f'value="{current}"' in form, current
    assert '<optgroup label="Australia">' in form
    assert form.index('value="UTC"') < form.index('<optgroup label="Africa">')
    refused = teacher.post(f"/instructor/banks/{slug}/assign", data={
        "title": "T", "question_count": 2, "feedback": "immediate", "attempts_allowed": 1, "timezone": "Australia/NSW"})
    assert refused.status_code == 400
    with app.test_request_context():
        from quizapp.instructor.forms import AssignmentForm

        assert AssignmentForm(meta={"csrf": False}).timezone.choices is AssignmentForm(meta={"csrf": False}) \
            .timezone.choices


@pytest.mark.parametrize(("stored", "offered"), [("Australia/NSW", "Australia/Sydney"),
                                                  ("Asia/Calcutta", "Asia/Kolkata"), ("US/Eastern", "America/New_York"),
                                                  ("Etc/GMT+5", "UTC")])
def test_a_stored_legacy_zone_is_offered_as_the_zone_it_stands_for(app: Flask, teacher: FlaskClient, stored: str,
                                                                   offered: str):
    """The flashcard settings accept every name zoneinfo knows; the assignment form must not show such a zone as
    UTC (the browser's first option), or saving would move the dates."""
    slug = import_bank(teacher, AIKEN, "week1.txt")
    assignment_id, _ = create_assignment(teacher, slug, timezone=offered, closes_at="2031-07-08T18:30")
    with app.app_context():
        db.session.execute(select(User).filter_by(username="teach")).scalar_one().timezone = stored
        db.session.commit()
    for url in (f"/instructor/banks/{slug}/assign", f"/instructor/assignments/{assignment_id}/edit"):
        page = teacher.get(url).get_data(as_text=True)
        assert re.search(rf'<option selected value="{re.escape(offered)}">|<option value="{re.escape(offered)}" '
                         r'selected>', page), (url, offered)
    assert 'value="2031-07-08T18:30"' in teacher.get(f"/instructor/assignments/{assignment_id}/edit") \
        .get_data(as_text=True)
