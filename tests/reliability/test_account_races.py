"""Issue 9, points 10, 11 and 14: races against a real gunicorn (2 workers x 4 threads) on SQLite or,
with TEST_DATABASE_URL, PostgreSQL. Every request is released at once by a barrier, and the database
itself is read afterwards.

* 20 concurrent starts of an assignment with one attempt allowed make exactly one attempt;
* 8 concurrent registrations of one name (and of ``racea``/``RACEA``) make one account, no 500;
* 30 concurrent wrong passwords for one account check exactly 5 of them (the rest are 429).
"""

from __future__ import annotations

import io
import re
import subprocess
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.reliability.helpers import Browser, Database, Reply, Server, csrf_token, quizapp_command

pytestmark = pytest.mark.slow  # real gunicorn servers

PASSWORD = "correct-horse-staple"
AIKEN = "Which model family is an LLM?\nA) StyleGAN\nB) GPT\nANSWER: B\n"


@pytest.fixture
def busy_server(database: Database, tmp_path: Path) -> Iterator[Server]:
    workdir = tmp_path / "server"
    workdir.mkdir()
    server = Server(database, workdir, workers=2, threads=4)
    server.init_db()
    server.start()
    try:
        yield server
    finally:
        server.kill()


def at_once(count: int, action: Callable[[int], Reply]) -> list[Reply]:
    """Run ``action(i)`` for i < count in as many threads, all released together."""
    barrier = threading.Barrier(count, timeout=30)

    def run(index: int) -> Reply:
        barrier.wait()
        return action(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def create_user(server: Server, username: str, instructor: bool = False) -> None:
    env = {**server.env, "QUIZAPP_PASSWORD": PASSWORD}
    done = subprocess.run([*quizapp_command(), "create-user", username, *(["--instructor"] if instructor else [])],
                          env=env, cwd=server.workdir, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def log_in(server: Server, username: str) -> Browser:
    browser = Browser(server.base_url)
    page = browser.request("GET", "/auth/login")
    reply = browser.request("POST", "/auth/login", {"username": username, "password": PASSWORD,
                                                    "csrf_token": csrf_token(page.body)})
    assert reply.status == 302, (reply.status, reply.body[:500])
    return browser


def multipart(fields: dict[str, str], filename: str, content: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
              f"Content-Type: text/plain\r\n\r\n{content}\r\n--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def set_assignment(server: Server, teacher: Browser) -> str:
    """Upload a one-question Aiken bank and set an assignment from it with one attempt allowed."""
    import http.client

    page = teacher.request("GET", "/instructor/banks/upload")
    body, content_type = multipart({"csrf_token": csrf_token(page.body), "format": "aiken"}, "race.txt", AIKEN)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    conn.request("POST", "/instructor/banks/upload", body=body,
                 headers={**teacher.headers(), "Content-Type": content_type})
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 302, response.status
    preview = response.headers["Location"]
    page = teacher.request("GET", preview)
    confirmed = teacher.request("POST", f"{preview}/confirm", {"csrf_token": csrf_token(page.body)})
    assert confirmed.status == 302, confirmed.body[:500]
    slug = confirmed.location.rstrip("/").rsplit("/", 1)[1]
    form = teacher.request("GET", f"/instructor/banks/{slug}/assign")
    created = teacher.request("POST", f"/instructor/banks/{slug}/assign", {
        "csrf_token": csrf_token(form.body), "title": "Race", "question_count": 1, "feedback": "immediate",
        "attempts_allowed": 1})
    assert created.status == 302, created.body[:500]
    page = teacher.request("GET", created.location)
    return re.search(r"code <code>([^<]+)</code>", page.body).group(1)


def test_concurrent_starts_make_no_more_attempts_than_allowed(busy_server: Server) -> None:
    create_user(busy_server, "teach", instructor=True)
    create_user(busy_server, "lea")
    code = set_assignment(busy_server, log_in(busy_server, "teach"))
    learner = log_in(busy_server, "lea")
    token = csrf_token(learner.request("GET", f"/a/{code}").body)
    replies = at_once(20, lambda _: learner.request("POST", f"/a/{code}/start", {"csrf_token": token}))
    statuses = Counter(reply.status for reply in replies)
    assert all(status < 500 for status in statuses), statuses
    attempts = busy_server.database.query(
        "SELECT COUNT(*) FROM quiz_attempts WHERE assignment_id IS NOT NULL")[0][0]
    assert attempts == 1, f"{attempts} attempts for attempts_allowed=1 ({statuses})"
    started = [reply for reply in replies if "/quiz/" in reply.location]
    assert len(started) == 1, [reply.location for reply in replies]
    assert busy_server.log_problems() == []


def register(server: Server, username: str) -> Reply:
    browser = Browser(server.base_url)
    page = browser.request("GET", "/auth/register")
    return browser.request("POST", "/auth/register", {
        "csrf_token": csrf_token(page.body), "username": username, "display_name": username,
        "password": PASSWORD, "confirm": PASSWORD})


def test_concurrent_registrations_of_one_name_make_one_account(busy_server: Server) -> None:
    replies = at_once(8, lambda _: register(busy_server, "racer"))
    replies += at_once(8, lambda i: register(busy_server, "racea" if i % 2 else "RACEA"))
    statuses = Counter(reply.status for reply in replies)
    assert statuses[302] == 2 and set(statuses) <= {302, 400, 409}, statuses
    names = sorted(row[0] for row in busy_server.database.query("SELECT username FROM users"))
    assert len(names) == 2 and {name.lower() for name in names} == {"racer", "racea"}, names
    assert busy_server.log_problems() == []


def test_concurrent_wrong_passwords_get_exactly_five_checks(busy_server: Server) -> None:
    create_user(busy_server, "ada")
    browser = Browser(busy_server.base_url)
    token = csrf_token(browser.request("GET", "/auth/login").body)
    replies = at_once(30, lambda i: browser.request("POST", "/auth/login", {
        "username": "ada", "password": f"wrong-{i}", "csrf_token": token}))
    statuses = Counter(reply.status for reply in replies)
    assert statuses == {400: 5, 429: 25}, statuses
    assert busy_server.log_problems() == []

