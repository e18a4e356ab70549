"""Essays and descriptions in assignments: a learner writes, the instructor grades, the learner sees the mark."""

from __future__ import annotations

import base64
import io
import re
import struct
import zlib
from csv import DictReader

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.lti.models import LtiGradeTarget, LtiPlatform, LtiResourceLink, LtiScore
from quizapp.models import Answer, EssayGrade, QuizAttempt, User
from tests.conftest import AuthActions
from tests.web.test_instructor import create_assignment, import_bank, make_instructor


def tiny_png() -> bytes:
    """A 1x1 PNG, built here so the bank needs no binary file."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


ESSAY_BANK = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="description">
    <name><text>Read first</text></name>
    <questiontext format="html"><text><![CDATA[<p>Case study: a chatbot answers customers.</p>
<p><img src="@@PLUGINFILE@@/bot.png" alt="A chatbot"></p>]]></text>
      <file name="bot.png" path="/" encoding="base64">{base64.b64encode(tiny_png()).decode()}</file>
    </questiontext>
  </question>
  <question type="essay">
    <name><text>Explain hallucination</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Why can an LLM state false facts fluently?</p>]]></text>
    </questiontext>
    <defaultgrade>5</defaultgrade>
    <responseformat>editor</responseformat>
    <graderinfo format="html">
      <text><![CDATA[<p>Full marks: next-token prediction, no fact check.</p>]]></text>
    </graderinfo>
  </question>
  <question type="truefalse">
    <name><text>LLM is GenAI</text></name>
    <questiontext format="html"><text>An LLM is a kind of Generative AI.</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
</quiz>
"""


def setup_assignment(app: Flask, **fields: object) -> tuple[FlaskClient, FlaskClient, int, str]:
    teacher = app.test_client()
    make_instructor(app, teacher)
    slug = import_bank(teacher, ESSAY_BANK, "essays.xml")
    assignment_id, code = create_assignment(teacher, slug, question_count=10, shuffle="", **fields)
    learner = app.test_client()
    AuthActions(learner).register("lea", display_name="Lea Learner")
    return teacher, learner, assignment_id, code


def start(learner: FlaskClient, code: str) -> int:
    response = learner.post(f"/a/{code}/start")
    assert response.status_code == 302 and "/quiz/" in response.location
    return int(response.location.rsplit("/", 1)[1])


def essay_answer(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(select(Answer.id).where(Answer.response.is_not(None))
                                  .order_by(Answer.id)).scalars().first()


def test_the_description_shows_with_the_first_question_and_is_not_counted(app: Flask):
    _, learner, _, code = setup_assignment(app)
    attempt_id = start(learner, code)
    page = learner.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    assert "Case study: a chatbot answers customers." in page and "data-description" in page
    assert "Question 1 of 2" in page  # the essay and the true/false question; not the description
    assert "Why can an LLM state false facts fluently?" in page and "<textarea" in page
    image = re.search(r'src="(/question-files/[0-9a-f]{64}/bot.png)"', page).group(1)
    served = learner.get(image)
    assert served.status_code == 200 and served.mimetype == "image/png" and served.data == tiny_png()
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.question_count == 2 and [q.kind for q in attempt.questions] == ["essay", "truefalse"]


def test_an_over_long_or_empty_essay_is_refused_with_a_message_and_nothing_is_stored(app: Flask):
    _, learner, _, code = setup_assignment(app)
    attempt_id = start(learner, code)
    long = learner.post(f"/quiz/{attempt_id}/answer/1", data={"choice": "x" * 10_001})
    assert long.status_code == 400
    assert "Your answer is too long: keep it within 10,000 characters." in long.get_data(as_text=True)
    empty = learner.post(f"/quiz/{attempt_id}/answer/1", data={"choice": "   "})
    assert empty.status_code == 400 and "Write your answer." in empty.get_data(as_text=True)
    # Line breaks from a browser (CRLF) count once: 5,000 lines of "x" fit in 10,000 characters.
    fits = learner.post(f"/quiz/{attempt_id}/answer/1", data={"choice": "x\r\n" * 4_999 + "x"})
    assert fits.status_code == 302
    with app.app_context():
        assert db.session.execute(select(func.count(Answer.id))).scalar_one() == 1


def answer_all(learner: FlaskClient, attempt_id: int, essay: str) -> None:
    assert learner.post(f"/quiz/{attempt_id}/answer/1", data={"choice": essay}).status_code == 302
    feedback = learner.get(f"/quiz/{attempt_id}/feedback/1").get_data(as_text=True)
    assert "Answer saved: awaiting grading" in feedback and "Not quite" not in feedback
    assert learner.post(f"/quiz/{attempt_id}/answer/2", data={"choice": "true"}).status_code == 302


def test_learner_writes_instructor_grades_learner_sees_the_mark(app: Flask):
    teacher, learner, assignment_id, code = setup_assignment(app)
    attempt_id = start(learner, code)
    answer_all(learner, attempt_id, "It predicts the **next token**.\n\n<script>alert(1)</script>")
    results = learner.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    assert "Provisional score: 1 essay" in results and "awaiting grading" in results
    assert "<strong>next token</strong>" in results and "<script>alert(1)</script>" not in results
    assert "Full marks: next-token prediction" not in results  # the grader information is for graders only
    assert "(provisional: awaiting grading)" in learner.get("/progress").get_data(as_text=True)
    assert "(awaiting grading)" in learner.get(f"/a/{code}").get_data(as_text=True)

    page = teacher.get(f"/instructor/assignments/{assignment_id}").get_data(as_text=True)
    assert "Grade essays (1 awaiting)" in page and "provisional: 1 essay awaiting grading" in page
    queue = teacher.get(f"/instructor/assignments/{assignment_id}/grading").get_data(as_text=True)
    assert "1 of 1 essay answer awaiting grading" in queue and "Lea Learner" in queue
    nxt = teacher.get(f"/instructor/assignments/{assignment_id}/grading/next")
    answer_id = essay_answer(app)
    assert nxt.location.endswith(f"/grading/{answer_id}")
    grading = teacher.get(nxt.location).get_data(as_text=True)
    assert "Full marks: next-token prediction, no fact check." in grading and "Out of 5" in grading
    assert "<strong>next token</strong>" in grading

    too_high = teacher.post(nxt.location, data={"mark": "6", "comment": "", "save_next": "y"})
    assert too_high.status_code == 400 and "The mark must be between 0 and 5." in too_high.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count(EssayGrade.id))).scalar_one() == 0
    saved = teacher.post(nxt.location, data={"mark": "4", "comment": "Good; say why facts are not checked.",
                                             "save_next": "y"})
    assert saved.status_code == 302 and saved.location.endswith("/grading/next")
    done = teacher.get(saved.location, follow_redirects=True).get_data(as_text=True)
    assert "Every essay of this assignment is graded." in done and "4 out of 5" in done

    results = learner.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    assert "Provisional" not in results and "Mark:</strong> 4 out of 5" in results
    assert "Good; say why facts are not checked." in results
    assert "awaiting grading" not in learner.get("/progress").get_data(as_text=True)
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.score == 1.8 and attempt.percent == 90.0  # 4/5 + 1

    csv = teacher.get(f"/instructor/assignments/{assignment_id}/gradebook.csv").get_data(as_text=True)
    (row,) = list(DictReader(io.StringIO(csv)))
    assert (row["best %"], row["last %"], row["essays awaiting grading"]) == ("90.0", "90.0", "0")
    page = teacher.get(f"/instructor/assignments/{assignment_id}").get_data(as_text=True)
    assert "Grade essays" in page and "awaiting grading" not in page

    # A regrade replaces the mark and moves the score by the difference.
    assert teacher.post(f"/instructor/assignments/{assignment_id}/grading/{answer_id}",
                        data={"mark": "2.5", "comment": "", "save": "y"}).status_code == 302
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.score == 1.5 and db.session.execute(select(func.count(EssayGrade.id))).scalar_one() == 1


def test_item_analysis_leaves_out_ungraded_essays_and_counts_graded_ones(app: Flask):
    teacher, learner, assignment_id, code = setup_assignment(app, attempts_allowed=0)
    for _ in range(2):
        answer_all(learner, start(learner, code), "Because it predicts text.")
    page = teacher.get(f"/instructor/assignments/{assignment_id}").get_data(as_text=True)
    rows = re.findall(r'<tr class="[^"]*">\s*<th scope="row">(.*?)</th>\s*<td>(\d+)</td><td>([^<]*)</td>', page)
    essay_row = [r for r in rows if "Why can an LLM" in r[0]]
    assert not essay_row or essay_row[0][1] == "0"  # no graded essay: no facility
    with app.app_context():
        ids = db.session.execute(select(Answer.id).join(Answer.question)
                                 .where(Answer.response.is_not(None))).scalars().all()
    essays = [a for a in ids if teacher.get(f"/instructor/assignments/{assignment_id}/grading/{a}").status_code == 200]
    assert len(essays) == 2
    for answer_id, mark in zip(essays, ("5", "0"), strict=True):
        teacher.post(f"/instructor/assignments/{assignment_id}/grading/{answer_id}", data={"mark": mark, "save": "y"})
    page = teacher.get(f"/instructor/assignments/{assignment_id}").get_data(as_text=True)
    rows = re.findall(r'<tr class="[^"]*">\s*<th scope="row">(.*?)</th>\s*<td>(\d+)</td><td>([^<]*)</td>', page)
    essay_row = [r for r in rows if "Why can an LLM" in r[0]]
    assert essay_row and essay_row[0][1:] == ("2", "50.0%")


def test_only_the_assignment_s_instructor_grades_and_only_its_essays(app: Flask):
    teacher, learner, assignment_id, code = setup_assignment(app)
    answer_all(learner, start(learner, code), "An answer.")
    answer_id = essay_answer(app)
    url = f"/instructor/assignments/{assignment_id}/grading/{answer_id}"
    assert learner.get(url).status_code == 403
    other = app.test_client()
    make_instructor(app, other, "other")
    assert other.get(url).status_code == 403 and other.post(url, data={"mark": "5"}).status_code == 403
    assert teacher.get(f"/instructor/assignments/{assignment_id}/grading/{answer_id + 1}").status_code == 404
    assert teacher.get(f"/instructor/assignments/{assignment_id}/grading/999").status_code == 404
    with app.app_context():
        assert db.session.execute(select(func.count(EssayGrade.id))).scalar_one() == 0


def test_a_graded_essay_queues_the_new_score_for_the_lms(app: Flask):
    teacher, learner, assignment_id, code = setup_assignment(app)
    with app.app_context():
        user_id = db.session.execute(select(User.id).filter_by(username="lea")).scalar_one()
        platform = LtiPlatform(name="Moodle", issuer="https://lms.example", client_id="c",
                               auth_login_url="https://lms.example/auth", auth_token_url="https://lms.example/token",
                               key_set_url="https://lms.example/jwks", deployment_ids=["1"])
        db.session.add(platform)
        db.session.flush()
        link = LtiResourceLink(platform_id=platform.id, resource_link_id="r1", assignment_id=assignment_id,
                               lineitem_url="https://lms.example/lineitems/1", ags_scopes=[])
        db.session.add(link)
        db.session.flush()
        db.session.add(LtiGradeTarget(resource_link_id=link.id, user_id=user_id, sub="lea-sub"))
        db.session.commit()
    attempt_id = start(learner, code)
    answer_all(learner, attempt_id, "An answer.")
    answer_id = essay_answer(app)
    url = f"/instructor/assignments/{assignment_id}/grading/{answer_id}"
    assert teacher.post(url, data={"mark": "5", "save": "y"}).status_code == 302
    assert teacher.post(url, data={"mark": "3", "save": "y"}).status_code == 302
    with app.app_context():
        scores = db.session.execute(select(LtiScore.score_given, LtiScore.score_maximum, LtiScore.grading_progress)
                                    .where(LtiScore.attempt_id == attempt_id).order_by(LtiScore.id)).all()
    # On submission (provisional 1 of 2, the essay still to mark), then each saved mark: 5/5 + 1, then 3/5 + 1.
    assert [tuple(s) for s in scores] == [(1.0, 2.0, "PendingManual"), (2.0, 2.0, "FullyGraded"),
                                          (1.6, 2.0, "FullyGraded")]
