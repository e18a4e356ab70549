"""The score outbox and ``quizapp worker``: retries with backoff, a worker killed mid-batch, several workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.lti.models import LtiScore
from quizapp.lti.outbox import backoff, run_batch
from quizapp.models import utcnow
from tests.lti.conftest import launch
from tests.lti.platform import TestPlatform, wait_for
from tests.lti.test_launch import add_activity, take_assignment

WORKER_TIMEOUT = 120


def finished_attempts(app: Flask, platform: TestPlatform, learners: int, line_item: str = "item-1") -> dict[str, float]:
    """``learners`` learners launch one deep-linked activity and finish it; returns each one's score by sub."""
    item = add_activity(app, platform, count=2)
    url = platform.line_item_url(line_item)
    scores = {}
    for n in range(learners):
        client = app.test_client()
        sub = f"learner-{n:02d}"
        done = launch(client, platform, user=sub, resource_link="rl-1", custom=item["custom"], line_item=url)
        attempt_id = take_assignment(client, done.response.location)
        with app.app_context():
            from quizapp.models import QuizAttempt

            scores[sub] = db.session.get(QuizAttempt, attempt_id).score
    return scores


REPO = Path(__file__).resolve().parents[2]


def worker_command(*args: str) -> list[str]:
    """``quizapp worker`` as ``python -m flask``, run in the repository: the same code as this test."""
    return [sys.executable, "-m", "flask", "--app", "quizapp", "worker", *args]


def worker_env(app: Flask, lease_seconds: int = 2) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "QUIZAPP_"))}
    env.update({"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "worker-test",
                "QUIZAPP_WORKER_LEASE_SECONDS": str(lease_seconds), "PYTHONUNBUFFERED": "1"})
    return env


def unsent(app: Flask) -> int:
    with app.app_context():
        db.session.remove()
        return db.session.execute(select(func.count(LtiScore.id)).where(LtiScore.sent_at.is_(None))).scalar_one()


def test_a_failing_platform_is_retried_with_backoff_shown_on_the_page_and_nothing_is_lost(
        app: Flask, registered: TestPlatform):
    scores = finished_attempts(app, registered, learners=1)
    registered.gradebook.fail_with = 503
    with app.app_context():
        first = run_batch()
        assert (first.claimed, first.sent, first.failed) == (1, 0, 1)
        row = db.session.execute(select(LtiScore)).scalar_one()
        assert row.sent_at is None and row.tries == 1 and "503" in (row.last_error or "")
        wait = row.next_attempt_at - utcnow()
        assert timedelta(seconds=20) < wait <= backoff(1)
        assert run_batch().claimed == 0  # not due again before its backoff
        assignment_id = row.assignment_id
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120] and backoff(50) == timedelta(hours=6)

    teacher = app.test_client()
    opened = launch(teacher, registered, user="teacher-1", roles=["http://purl.imsglobal.org/vocab/lis/v2/"
                                                                  "membership#Instructor"],
                    resource_link="rl-1")
    page = teacher.get(f"/lti/assignments/{assignment_id}/scores").get_data(as_text=True)
    assert opened.response.status_code == 302 and "Not sent yet" in page and "503" in page
    with app.app_context():  # a quizapp-wide instructor who set the assignment sees it on the results page too
        from quizapp.models import Assignment

        db.session.get(Assignment, assignment_id).instructor.is_instructor = True
        db.session.commit()
    results = teacher.get(f"/instructor/assignments/{assignment_id}").get_data(as_text=True)
    assert "1 not sent yet (retrying)" in results and f"/lti/assignments/{assignment_id}/scores" in results

    registered.gradebook.fail_with = None
    assert teacher.post("/lti/scores/retry", data={"assignment_id": assignment_id}).status_code == 302
    with app.app_context():
        assert run_batch().sent == 1
    assert registered.gradebook.results[("item-1", "learner-00")]["scoreGiven"] == scores["learner-00"]
    page = teacher.get(f"/lti/assignments/{assignment_id}/scores").get_data(as_text=True)
    assert "Sent " in page and "Not sent yet" not in page


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_nothing_and_a_resend_is_the_same_score(app: Flask, registered: TestPlatform,
                                                                                 tmp_path: Path):
    scores = finished_attempts(app, registered, learners=5)
    book = registered.gradebook
    book.hold_at = 3  # the platform records the 3rd score, then the worker is killed before it hears back
    log = (tmp_path / "worker-1.log").open("w")
    worker = subprocess.Popen(worker_command("--batch", "10", "--interval", "0.2"), env=worker_env(app),
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=REPO)
    try:
        assert book.held.wait(WORKER_TIMEOUT), (tmp_path / "worker-1.log").read_text()
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        book.release.set()
        log.close()
    assert len(book.posts) == 3
    assert unsent(app) == 3  # the killed row (sent, not yet acknowledged) and the two not reached

    second = subprocess.run(worker_command("--once"), env=worker_env(app), capture_output=True, text=True,
                            timeout=WORKER_TIMEOUT, cwd=REPO)
    assert second.returncode == 0, second.stderr
    if unsent(app):  # the killed worker's lease (2 s) had not yet run out: its row waits for it
        assert wait_for(lambda: subprocess.run(worker_command("--once"), env=worker_env(app), timeout=WORKER_TIMEOUT,
                                               capture_output=True, cwd=REPO).returncode == 0 and unsent(app) == 0)
    assert unsent(app) == 0
    # Every learner's score arrived, for the right user and line item, exactly as computed.
    assert {sub: result["scoreGiven"] for (item, sub), result in book.results.items() if item == "item-1"} == scores
    # Only the interrupted score was posted twice, and both posts are the same message (same timestamp).
    by_user: dict[str, list[dict]] = {}
    for post in book.posts:
        by_user.setdefault(str(post.score["userId"]), []).append(post.score)
    twice = {sub: posts for sub, posts in by_user.items() if len(posts) > 1}
    assert len(book.posts) == 6 and len(twice) == 1
    (repeat,) = twice.values()
    assert repeat[0] == repeat[1]


@pytest.mark.slow
def test_two_workers_at_once_never_send_the_same_score(app: Flask, registered: TestPlatform, tmp_path: Path):
    scores = finished_attempts(app, registered, learners=8)
    registered.gradebook.pair_first_two = True  # the first send waits until the other worker sends one too
    workers = [subprocess.Popen(worker_command("--once", "--batch", "1"), env=worker_env(app, lease_seconds=600),
                                stdout=subprocess.DEVNULL, stderr=(tmp_path / f"w{n}.log").open("w"), cwd=REPO)
               for n in range(2)]
    for worker in workers:
        assert worker.wait(WORKER_TIMEOUT) == 0, (tmp_path / "w0.log").read_text()
    assert unsent(app) == 0
    posted = [str(p.score["userId"]) for p in registered.gradebook.posts]
    assert sorted(posted) == sorted(scores)  # each score once: no row was claimed by both workers
    assert registered.gradebook.paired  # a 2nd score arrived while the 1st was held: both workers were sending


def test_the_worker_clears_expired_launch_data_and_exits_when_told_once(app: Flask, runner):
    from quizapp.lti.models import LtiLaunchValue

    with app.app_context():
        db.session.add_all([LtiLaunchValue(key="lti1p3-nonce-old", value=True,
                                           expires_at=utcnow() - timedelta(minutes=1)),
                            LtiLaunchValue(key="lti1p3-nonce-new", value=True,
                                           expires_at=utcnow() + timedelta(minutes=5))])
        db.session.commit()
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "0 score(s) not yet sent" in result.output
    with app.app_context():
        assert set(db.session.execute(select(LtiLaunchValue.key)).scalars()) == {"lti1p3-nonce-new"}
