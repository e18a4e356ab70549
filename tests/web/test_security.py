"""Security: headers, cookies, log-in throttling, password policy, CSRF and roles on every POST route,
parser fuzzing through the upload page, and what reaches the browser."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from quizapp import create_app
from quizapp.core.passwords import password_problems
from quizapp.extensions import db
from quizapp.models import Bank, BankUpload, LoginFailure, QuizAttempt
from quizapp.security import HEADERS
from tests.conftest import AuthActions, make_app, start_quiz
from tests.web.test_instructor import make_instructor

PARAM_VALUES = {"attempt_id": "1", "position": "1", "upload_id": "1", "assignment_id": "1", "user_id": "1",
                "slug": "llm-vs-genai", "fmt": "csv", "code": "abc", "answer_id": "1", "sha256": "0" * 64,
                "name": "x.png", "platform_id": "1", "score_id": "1"}


def test_security_headers_on_every_response(client):
    for url in ("/", "/quiz/", "/static/style.css", "/nope"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert all(len(headers.getlist(name)) == 1 for name in HEADERS), "each header once"


def test_the_kept_session_serializer_follows_the_secret_key(app: Flask, client):
    """The session's signing serializer is kept per set of keys (security.KeptSerializerSessionInterface): a
    cookie signed with a key that was replaced is refused, and read again once that key is a fallback."""
    attempt_id = start_quiz(client)
    guest = client.get_cookie("session").value
    assert client.get(f"/quiz/{attempt_id}").status_code == 200  # the guest's own quiz
    old_key = app.secret_key
    app.secret_key = "a-new-secret-key"
    assert client.get(f"/quiz/{attempt_id}").status_code == 404  # the old cookie no longer names the guest
    client.set_cookie("session", guest)
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert client.get(f"/quiz/{attempt_id}").status_code == 200


def test_session_cookie_is_httponly_and_samesite_and_secure_behind_https(tmp_path, auth):
    auth.register("ada")
    cookie = auth._client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure
    app = make_app(tmp_path / "https", HTTPS=True)
    client = app.test_client()
    response = client.post("/auth/register", data={"username": "bob", "display_name": "Bob",
                                                   "password": "long-enough-pw", "confirm": "long-enough-pw"},
                           base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


def test_login_is_throttled_per_account_with_a_clear_message(app: Flask, client, auth):
    auth.register("ada", "correct-horse")
    auth.logout()
    for _ in range(5):
        assert auth.login("ada", "wrong-guess").status_code == 400
    locked = auth.login("ada", "correct-horse")  # even the right password waits
    assert locked.status_code == 429 and "try again in 15 minutes" in locked.get_data(as_text=True)
    AuthActions(app.test_client()).register("bob", "another-horse")  # other accounts are not affected
    with app.app_context():
        db.session.execute(update(LoginFailure).values(at=LoginFailure.at - timedelta(minutes=16)))
        db.session.commit()
    assert auth.login("ada", "correct-horse").status_code == 302
    with app.app_context():
        assert db.session.execute(select(func.count(LoginFailure.id))).scalar_one() == 0


@pytest.mark.parametrize(("password", "username", "problem"), [
    ("short", "ada", "at least 8"), ("password123", "ada", "most common"), ("adalovelace", "adalovelace", "username"),
    ("aaaaaaaaaa", "ada", "more than one distinct"), ("x" * 129, "ada", "at most 128")])
def test_password_policy(password, username, problem, auth):
    assert any(problem in p for p in password_problems(password, username))
    response = auth.register(username, password)
    assert response.status_code == 400 and problem in response.get_data(as_text=True)
    assert password_problems("correct horse battery", "ada") == []


def _post_routes(app: Flask) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or set()) and not rule.rule.startswith("/static"):
            urls.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: PARAM_VALUES[m.group(1)], rule.rule))
    return urls


def test_every_post_route_rejects_a_missing_csrf_token(csrf_app: Flask):
    urls = _post_routes(csrf_app)
    assert len(urls) >= 19  # every form in the app; a new POST route is covered automatically
    for client in (csrf_app.test_client(), logged_in_instructor(csrf_app)):
        for url in urls:
            response = client.post(url, data={"x": "1"})
            assert response.status_code == 400, url
            assert "security token" in response.get_data(as_text=True)


def logged_in_instructor(app: Flask):
    """A client registered through the real form (with its CSRF token) and made an instructor."""
    client = app.test_client()
    page = client.get("/auth/register").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/auth/register", data={"csrf_token": token, "username": "teach", "display_name": "T",
                                        "password": "long-enough-pw", "confirm": "long-enough-pw"})
    from quizapp.models import User

    with app.app_context():
        db.session.execute(update(User).values(is_instructor=True))
        db.session.commit()
    return client


def test_instructor_routes_refuse_learners_and_guests(app: Flask):
    learner = app.test_client()
    AuthActions(learner).register("lea")
    guest = app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("instructor.") and rule.rule.startswith("/instructor"):
            url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: PARAM_VALUES[m.group(1)], rule.rule)
            method = "post" if "POST" in (rule.methods or set()) else "get"
            assert getattr(learner, method)(url).status_code == 403, url
            response = getattr(guest, method)(url)
            assert response.status_code == 302 and "/auth/login" in response.location, url
            checked += 1
    assert checked >= 12


def test_other_users_data_never_reaches_the_browser(app: Flask):
    ada, bob = app.test_client(), app.test_client()
    AuthActions(ada).register("ada", display_name="Ada L.")
    AuthActions(bob).register("bob", display_name="Bob B.")
    attempt_id = start_quiz(ada, kinds=["classify"], length=5)
    assert f"/quiz/{attempt_id}" not in bob.get("/progress").get_data(as_text=True)
    for url in (f"/quiz/{attempt_id}", f"/quiz/{attempt_id}/results", f"/quiz/{attempt_id}/feedback/1"):
        assert bob.get(url).status_code == 404
    page = ada.get("/cards/llm-vs-genai/review").get_data(as_text=True)
    card_id = re.search(r'name="card_id" type="hidden" value="([^"]+)"', page).group(1)
    assert ada.post("/cards/llm-vs-genai/review", data={"card_id": card_id, "rating": "3"}).status_code == 302
    assert "No reviews yet" in bob.get("/cards/stats").get_data(as_text=True)
    assert "No reviews yet" not in ada.get("/cards/stats").get_data(as_text=True)


def _counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (db.session.execute(select(func.count(Bank.id))).scalar_one(),
                db.session.execute(select(func.count(BankUpload.id))).scalar_one())


GIFTISH = st.lists(st.sampled_from(list("{}~=#:->%\\\n ") + ["::n::", "$CATEGORY: a", "TRUE", "//", "ANSWER: A",
                                                            "A) x", "question,options,answer\n", "|", "1.5"])
                   | st.text(max_size=8), max_size=40).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=GIFTISH, name=st.sampled_from(["f.gift", "f.txt", "f.csv", "f.yaml", "f.aiken"]))
def test_fuzzed_uploads_never_500_and_never_import_partially(app: Flask, text: str, name: str):
    client = app.test_client()
    if not hasattr(app, "_fuzz_teacher"):
        make_instructor(app, client, "fuzzer")
        app._fuzz_teacher = client  # one instructor for every example
    client = app._fuzz_teacher
    banks_before, uploads_before = _counts(app)
    response = client.post("/instructor/banks/upload", data={"file": (io.BytesIO(text.encode()), name)},
                           content_type="multipart/form-data")
    assert response.status_code in (302, 400), response.status_code
    banks_after, uploads_after = _counts(app)
    assert banks_after == banks_before  # nothing is imported before confirmation
    assert uploads_after == uploads_before + (1 if response.status_code == 302 else 0)
    if response.status_code == 302:
        loaded_before = _versions_loaded(app)
        confirmed = client.post(response.location + "/confirm")
        assert confirmed.status_code in (302, 400)
        # A confirmed upload is a new bank, or a new version of this instructor's bank of the same name, unless
        # it is the text that bank holds already (an example drawn twice): then nothing is written.
        with client.session_transaction() as session:
            unchanged = any(message.startswith("Unchanged") for _, message in session.get("_flashes", []))
        added = 1 if confirmed.status_code == 302 and not unchanged else 0
        assert _versions_loaded(app) == loaded_before + added


def _versions_loaded(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(select(func.coalesce(func.sum(Bank.version), 0))).scalar_one()


def test_unreachable_database_gives_503_on_health_not_a_crash(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/x.sqlite", "SECRET_KEY": "x",
                      "INSTANCE_PATH": str(tmp_path / "i")})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "error"


def test_guest_attempts_are_kept_apart_from_other_guests(app: Flask):
    first, second = app.test_client(), app.test_client()
    attempt_id = start_quiz(first, kinds=["classify"], length=5)
    assert second.get(f"/quiz/{attempt_id}").status_code == 404
    with app.app_context():
        assert db.session.get(QuizAttempt, attempt_id).guest_token


def test_a_locked_sqlite_database_gives_503_with_retry_after(app: Flask, monkeypatch: pytest.MonkeyPatch):
    from sqlalchemy.exc import OperationalError

    def locked(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr("quizapp.quiz.routes.start_attempt", locked)
    response = app.test_client().post("/quiz/", data={"bank": "llm-vs-genai", "kinds": ["classify"], "length": 5,
                                                      "feedback": "end"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert "Nothing was saved" in response.get_data(as_text=True)
