"""LTI 1.3 against a real platform implementation (lti1p3platform): deep linking, launches, refusals, scores."""

from __future__ import annotations

import base64
import json

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.instructor.codes import SHARE_CODE_ALPHABET, SHARE_CODE_LENGTH
from quizapp.lti.models import LtiContextInstructor, LtiGradeTarget, LtiResourceLink, LtiScore, LtiUser
from quizapp.lti.outbox import run_batch
from quizapp.models import Assignment, QuizAttempt, User, utcnow
from tests.conftest import answer_current
from tests.lti.conftest import deep_link_response, launch
from tests.lti.platform import INSTITUTION_INSTRUCTOR, INSTRUCTOR, LEARNER, TestPlatform, new_private_key


def add_activity(app: Flask, platform: TestPlatform, count: int = 3, title: str = "Week 1 quiz") -> dict:
    """An LMS instructor adds a quizapp activity by deep linking; returns the content item the LMS stores."""
    teacher = app.test_client()
    done = launch(teacher, platform, user="teacher-1", roles=[INSTRUCTOR], name="Tess Teacher", hint="deep",
                  deep_link_return=f"{platform.base}/deep-link-return")
    assert done.response.status_code == 302 and done.response.location.endswith("/lti/deep-link")
    page = teacher.get("/lti/deep-link")
    assert page.status_code == 200 and "llm-vs-genai" in page.get_data(as_text=True)
    chosen = teacher.post("/lti/deep-link", data={"bank": "llm-vs-genai", "title": title,
                                                  "question_count": count, "attempts_allowed": 0})
    assert chosen.status_code == 200, chosen.get_data(as_text=True)
    action, jwt_value = deep_link_response(chosen.get_data(as_text=True))
    assert action == f"{platform.base}/deep-link-return"
    assert platform.base in chosen.headers["Content-Security-Policy"]  # the form may post to the LMS
    items = platform.deep_link_items(jwt_value)  # signature checked against quizapp's /lti/jwks
    assert len(items) == 1
    return items[0]


def take_assignment(client: FlaskClient, landing: str) -> int:
    page = client.get(landing)
    assert page.status_code == 200
    code = landing.rstrip("/").rsplit("/", 1)[1]
    started = client.post(f"/a/{code}/start")
    assert started.status_code == 302, started.get_data(as_text=True)
    attempt_id = int(started.location.rsplit("/", 1)[1])
    for _ in range(20):
        if client.get(f"/quiz/{attempt_id}").status_code != 200:
            break
        answer_current(client, attempt_id, 0)
    return attempt_id


def test_jwks_publishes_the_stored_tool_key(app: Flask, client: FlaskClient):
    first = client.get("/lti/jwks").get_json()
    assert len(first["keys"]) == 1
    key = first["keys"][0]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig" and key["kid"]
    assert "d" not in key  # the private exponent never leaves the database
    assert client.get("/lti/jwks").get_json() == first  # generated once, then stored


def test_deep_link_launch_and_score_reach_the_right_user_and_line_item(app: Flask, registered: TestPlatform):
    item = add_activity(app, registered, count=3)
    assert item["type"] == "ltiResourceLink" and item["url"] == "http://localhost/lti/launch"
    assert item["lineItem"]["scoreMaximum"] == 3 and item["title"] == "Week 1 quiz"
    code = item["custom"]["quizapp_assignment"]
    with app.app_context():
        assignment = db.session.execute(select(Assignment).filter_by(code=code)).scalar_one()
        assert assignment.question_count == 3 and assignment.bank.slug == "llm-vs-genai"

    # The LMS makes the link and its line item; two learners launch it, each from their own browser.
    line_item = registered.line_item_url("item-7")
    other_item = registered.line_item_url("item-8")  # another activity's column, which must get nothing
    ada, bob = app.test_client(), app.test_client()
    scores = {}
    for client, sub, name in ((ada, "learner-ada", "Ada Lovelace"), (bob, "learner-bob", "Bob Babbage")):
        done = launch(client, registered, user=sub, name=name, resource_link="rl-1", custom=item["custom"],
                      line_item=line_item)
        assert done.response.status_code == 302 and done.response.location.endswith(f"/a/{code}")
        attempt_id = take_assignment(client, done.response.location)
        with app.app_context():
            attempt = db.session.get(QuizAttempt, attempt_id)
            assert attempt.finished_at is not None
            scores[sub] = attempt.score
            # Queued with the submission itself, before any worker ran.
            assert db.session.execute(select(func.count(LtiScore.id)).where(
                LtiScore.attempt_id == attempt_id)).scalar_one() == 1
    assert other_item
    with app.app_context():
        result = run_batch()
        assert (result.sent, result.failed) == (2, 0)
        assert db.session.execute(select(func.count(LtiScore.id)).where(LtiScore.sent_at.is_(None))).scalar_one() == 0
    results = registered.gradebook.results
    assert set(results) == {("item-7", "learner-ada"), ("item-7", "learner-bob")}
    for sub in ("learner-ada", "learner-bob"):
        sent = results[("item-7", sub)]
        assert sent["scoreGiven"] == scores[sub] and sent["scoreMaximum"] == 3
        assert sent["activityProgress"] == "Completed" and sent["gradingProgress"] == "FullyGraded"
        assert sent["timestamp"].endswith("+00:00")


def test_users_are_matched_by_issuer_and_sub_and_only_the_course_instructor_role_counts(
        app: Flask, registered: TestPlatform):
    item = add_activity(app, registered)
    first = app.test_client()
    launch(first, registered, user="u-1", name="First Name", resource_link="rl-1", custom=item["custom"])
    again = app.test_client()  # another browser, a new name in the LMS: the same account
    launch(again, registered, user="u-1", name="Changed Name", resource_link="rl-1", custom=item["custom"])
    staff = app.test_client()  # an institution-level instructor who is a learner in this course
    launch(staff, registered, user="u-2", roles=[INSTITUTION_INSTRUCTOR, LEARNER], resource_link="rl-1",
           custom=item["custom"])
    with app.app_context():
        links = db.session.execute(select(LtiUser).where(LtiUser.sub.in_(["u-1", "u-2"]))).scalars().all()
        assert len(links) == 2
        u1 = next(link for link in links if link.sub == "u-1").user
        assert u1.display_name == "Changed Name" and not u1.is_instructor
        teacher = db.session.execute(select(LtiUser).filter_by(sub="teacher-1")).scalar_one().user
        instructors = db.session.execute(select(LtiContextInstructor.user_id)).scalars().all()
        assert instructors == [teacher.id]  # the course's Instructor, and nobody else
        assert not teacher.is_instructor  # an instructor for that course only, not a quizapp-wide instructor
        assert db.session.execute(select(func.count(LtiGradeTarget.id))).scalar_one() == 2
    # The course instructor's launch of the link opens the score status page, not the quiz.
    teacher_client = app.test_client()
    opened = launch(teacher_client, registered, user="teacher-1", roles=[INSTRUCTOR], resource_link="rl-1",
                    custom=item["custom"])
    assert "/lti/assignments/" in opened.response.location
    assert teacher_client.get(opened.response.location).status_code == 200
    assert teacher_client.get("/instructor/").status_code == 403  # no quizapp-wide instructor pages
    assert first.get(opened.response.location).status_code == 403  # a learner cannot see others' scores


def _tampered(id_token: str, **changes: object) -> str:
    header, payload, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


def _refused(response, *words: str) -> str:
    page = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500, (response.status_code, page)
    assert "<h1>" in page and "Go to quizapp" in page  # a page that says what happened, not a bare status
    for word in words:
        assert word in page, page
    return page


def test_tampered_replayed_misaddressed_and_expired_launches_are_refused(app: Flask, registered: TestPlatform):
    item = add_activity(app, registered)
    claims = {"resource_link": "rl-1", "custom": item["custom"]}

    # A claim changed after signing (the learner makes themselves an instructor).
    client = app.test_client()
    login = client.get(registered.login_initiation("resource", "mallory"))
    form = registered.authenticate(login.location, user="mallory", roles=[LEARNER], **claims)
    forged = _tampered(form["id_token"], **{"https://purl.imsglobal.org/spec/lti/claim/roles": [INSTRUCTOR]})
    _refused(client.post("/lti/launch", data={**form, "id_token": forged}), "signature is not valid")

    # Signed by a key the platform does not publish.
    client = app.test_client()
    login = client.get(registered.login_initiation("resource", "mallory"))
    form = registered.authenticate(login.location, user="mallory", roles=[LEARNER],
                                   registration=registered.other_registration(private_key=new_private_key()),
                                   **claims)
    _refused(client.post("/lti/launch", data=form), "signature is not valid")

    # A good launch, then the same POST again (a replay): the nonce was used up by the first.
    client = app.test_client()
    good = launch(client, registered, user="learner-1", **claims)
    assert good.response.status_code == 302
    _refused(client.post("/lti/launch", data=good.form), "already used")
    _refused(app.test_client().post("/lti/launch", data=good.form))  # from another browser too

    # Meant for another tool (wrong audience): no registration with that client id.
    client = app.test_client()
    login = client.get(registered.login_initiation("resource", "learner-2"))
    form = registered.authenticate(login.location, user="learner-2", roles=[LEARNER], audience="some-other-tool",
                                   **claims)
    _refused(client.post("/lti/launch", data=form), "not registered")

    # Expired before it arrived.
    client = app.test_client()
    login = client.get(registered.login_initiation("resource", "learner-3"))
    form = registered.authenticate(login.location, user="learner-3", roles=[LEARNER], expires_in=-120, **claims)
    _refused(client.post("/lti/launch", data=form), "expired")

    with app.app_context():  # none of the refused launches made an account
        subs = set(db.session.execute(select(LtiUser.sub)).scalars())
        assert subs == {"teacher-1", "learner-1"}


def test_a_launch_without_deep_link_or_from_an_unknown_platform_explains_itself(app: Flask,
                                                                                platform: TestPlatform):
    client = app.test_client()
    page = _refused(client.get(platform.login_initiation("resource", "x")), "not registered")
    assert "LTI platforms page" in page
    _refused(client.post("/lti/launch", data={"x": "1"}), "security token")
    _refused(client.get("/lti/login"), "security token")


def test_a_link_not_made_by_deep_linking_says_what_to_do(app: Flask, registered: TestPlatform):
    done = launch(app.test_client(), registered, user="learner-1", resource_link="rl-unknown")
    page = _refused(done.response, "deep linking")
    assert done.response.status_code == 409 and "Select content" in page


def test_in_an_lms_frame_the_login_offers_a_new_window_framable_by_the_platform_only(app: Flask,
                                                                                      registered: TestPlatform):
    client = app.test_client()
    url = registered.login_initiation("resource", "learner-1")
    framed = client.get(url, headers={"Sec-Fetch-Dest": "iframe", "Referer": "https://school.lms.example/course/1"})
    page = framed.get_data(as_text=True)
    assert framed.status_code == 200 and 'target="_blank"' in page and 'name="lti1p3_new_window"' in page
    policy = framed.headers["Content-Security-Policy"]
    ancestors = policy.split("frame-ancestors ")[1].split(";")[0].split()
    assert sorted(ancestors) == sorted([registered.base, "https://school.lms.example"])
    assert "X-Frame-Options" not in framed.headers, "X-Frame-Options: DENY would contradict frame-ancestors"
    # Every other page keeps refusing to be framed.
    home = client.get("/")
    assert "frame-ancestors 'none'" in home.headers["Content-Security-Policy"]
    assert home.headers["X-Frame-Options"] == "DENY"
    new_window = client.get(url + "&lti1p3_new_window=1", headers={"Sec-Fetch-Dest": "document"})
    assert new_window.status_code == 302 and new_window.location.startswith(f"{registered.base}/auth")


def test_registration_page_validates_and_lists(app: Flask, platform: TestPlatform):
    admin = app.test_client()
    from tests.lti.conftest import make_instructor

    admin = make_instructor(app, "root")
    page = admin.get("/lti/platforms").get_data(as_text=True)
    assert "http://localhost/lti/login" in page and "http://localhost/lti/jwks" in page
    bad = admin.post("/lti/platforms", data={**platform.registration_form(), "key_set_url": "http://lms.example/k",
                                             "deployment_ids": " , "})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Use https://" in text and "at least one deployment ID" in text
    assert admin.post("/lti/platforms", data=platform.registration_form()).status_code == 302
    twice = admin.post("/lti/platforms", data=platform.registration_form())
    assert twice.status_code == 400 and "already registered" in twice.get_data(as_text=True)
    learner = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(learner).register("lea")
    assert learner.get("/lti/platforms").status_code == 403
    with app.app_context():
        assert db.session.execute(select(func.count(User.id))).scalar_one() == 2
        assert db.session.execute(select(func.count(LtiResourceLink.id))).scalar_one() == 0


def test_over_https_the_launch_cookies_are_cross_site_and_a_launch_still_works(app: Flask):
    from tests.lti.conftest import register
    from tests.lti.platform import running_platform

    with running_platform(tool="https://localhost") as lms:
        register(app, lms)
        client = app.test_client()
        login = client.get(lms.login_initiation("resource", "learner-s"), base_url="https://localhost")
        cookies = login.headers.getlist("Set-Cookie")
        lti_cookies = [c for c in cookies if c.startswith("lti1p3-")]
        assert {c.split("=", 1)[0].split("-")[1] for c in lti_cookies} == {"session", "state"}
        for cookie in lti_cookies:  # sent back on the LMS's cross-site POST, and inside an LMS frame
            assert "SameSite=None" in cookie and "Secure" in cookie and "Partitioned" in cookie
        form = lms.authenticate(login.location, user="learner-s", roles=[INSTRUCTOR],
                                deep_link_return=f"{lms.base}/return")
        done = client.post("/lti/launch", data=form, base_url="https://localhost")
        assert done.status_code == 302 and done.location.endswith("/lti/deep-link")
        assert client.get("/lti/deep-link", base_url="https://localhost").status_code == 200
        # Without the launch's session cookie the same kind of launch is refused, with a page saying why.
        stranger = app.test_client()
        login = stranger.get(lms.login_initiation("resource", "learner-t"), base_url="https://localhost")
        form = lms.authenticate(login.location, user="learner-t", roles=[LEARNER], resource_link="rl-9")
        stranger.delete_cookie("lti1p3-session-id", domain="localhost")
        refused = stranger.post("/lti/launch", data=form, base_url="https://localhost")
        assert refused.status_code == 400 and "cookie" in refused.get_data(as_text=True)


def test_a_deep_linked_assignment_gets_a_readable_code_and_once_deleted_cannot_be_launched(
        app: Flask, registered: TestPlatform):
    item = add_activity(app, registered, count=3)
    code = item["custom"]["quizapp_assignment"]
    assert len(code) == SHARE_CODE_LENGTH and set(code) <= set(SHARE_CODE_ALPHABET)
    first = launch(app.test_client(), registered, user="learner-del", resource_link="rl-del", custom=item["custom"])
    assert first.response.status_code == 302
    with app.app_context():
        assignment = db.session.execute(select(Assignment).filter_by(code=code)).scalar_one()
        assignment.deleted_at = utcnow()
        db.session.commit()
    again = launch(app.test_client(), registered, user="learner-del", resource_link="rl-del", custom=item["custom"])
    page = _refused(again.response, "deleted")
    assert 400 <= again.response.status_code < 500 and "Select content" in page
