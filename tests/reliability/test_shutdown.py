"""Graceful shutdown and the health endpoint.

* SIGTERM while a request is in flight: the worker finishes it (a complete 302, the answer stored), the
  idle worker and then the master exit, status 0, well before the graceful timeout.
* SIGTERM under load: no 5xx, no truncated response, every acknowledged answer stored, exit status 0.
* /healthz: 200 {"status": "ok"} from the real server; a JSON 503 when the database cannot be reached.
"""

from __future__ import annotations

import http.client
import random
import signal
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest

from quizapp import create_app
from tests.reliability.helpers import (
    GRACEFUL_TIMEOUT,
    Browser,
    Ledger,
    Server,
    answers_per_question,
    consistency_problems,
    current_answer_form,
    finish_quiz,
    free_port,
    http_get,
    missing_acknowledged,
    start_quiz,
    submit,
)

pytestmark = pytest.mark.slow  # real gunicorn servers

HELD_BACK = 8  # bytes of the request body sent only after SIGTERM


def accept_queue_length(port: int) -> int | None:
    """Connections waiting in the listening socket's accept queue (Linux /proc/net/tcp), None if unknown."""
    try:
        lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        local, state, queues = fields[1], fields[3], fields[4]
        if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN; rx_queue = backlog
            return int(queues.split(":")[1], 16)
    return None


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)  # polling another process's state; there is nothing to block on


def test_healthz_reports_ok(server: Server) -> None:
    reply = http_get(server.base_url, "/healthz")
    assert reply.status == 200
    assert reply.headers.get_content_type() == "application/json"
    assert reply.json()["status"] == "ok"


def test_sigterm_lets_the_request_in_flight_finish(server: Server) -> None:
    browser = Browser(server.base_url)
    attempt_id = start_quiz(browser, 5)
    form = current_answer_form(browser, attempt_id, random.Random(1))
    assert form is not None
    body = urlencode(form.data).encode()
    head = (f"POST {form.action} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nConnection: close\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
            f"Cookie: {browser.headers()['Cookie']}\r\n\r\n").encode()
    assert len(server.workers()) == 2

    with socket.create_connection(("127.0.0.1", server.port), timeout=GRACEFUL_TIMEOUT + 10) as sock:
        sock.sendall(head + body[:-HELD_BACK])  # the worker is now reading the body: the request is in flight
        if accept_queue_length(server.port) is None:
            time.sleep(0.5)  # no /proc: give a worker time to accept
        else:
            wait_for(lambda: accept_queue_length(server.port) == 0, 5, "a worker to accept the request")
        signalled = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)  # to the master, which passes it on to the workers
        wait_for(lambda: len(server.workers()) <= 1, 5, "the idle worker to exit on SIGTERM")
        assert server.running, "the master exited while a worker still had a request in flight"
        sock.sendall(body[-HELD_BACK:])
        response = http.client.HTTPResponse(sock)
        response.begin()
        payload = response.read()
        assert response.status == 302, payload[:500]
        assert f"/quiz/{attempt_id}/feedback/{form.position}" in response.getheader("Location", "")

    assert server.proc.wait(timeout=GRACEFUL_TIMEOUT + 10) == 0
    took = time.monotonic() - signalled
    assert took < GRACEFUL_TIMEOUT - 2, f"shutdown took {took:.1f} s: the workers were killed, not finished"
    assert answers_per_question(server.database) == {(attempt_id, form.position): 1}
    with pytest.raises(OSError):
        http_get(server.base_url, "/healthz", timeout=2)
    assert server.log_problems() == []


def test_sigterm_under_load_drops_no_acknowledged_answer(server: Server) -> None:
    ledger = Ledger()
    stop = threading.Event()

    def client(index: int) -> None:
        rng = random.Random(index)
        browser = Browser(server.base_url, timeout=GRACEFUL_TIMEOUT + 10)
        deadline = time.monotonic() + 20
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                attempt_id = start_quiz(browser, 5, feedback="end")
                ledger.attempts.add(attempt_id)
                while (form := current_answer_form(browser, attempt_id, rng)) is not None:
                    submit(browser, form, ledger)
                finish_quiz(browser, attempt_id, "end", ledger)  # Submit on Review and submit
        except (OSError, http.client.HTTPException) as exc:
            ledger.transport_error(exc)

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(client, i) for i in range(8)]
        wait_for(lambda: len(ledger.acknowledged) >= 30, 20, "30 acknowledged answers")
        signalled = time.monotonic()
        status = server.terminate()
        took = time.monotonic() - signalled
        stop.set()
        for future in futures:
            future.result(timeout=30)
    print(f"SIGTERM under load, exit {status} after {took:.1f} s: {ledger.summary()}")

    assert status == 0
    assert took < GRACEFUL_TIMEOUT - 2, f"shutdown took {took:.1f} s: the workers were killed, not finished"
    assert not ledger.problems, "\n".join(ledger.problems[:30])
    assert all(code < 500 for code in ledger.statuses), ledger.summary()
    # Refused or reset before a worker took the connection is fine (a load balancer retries those);
    # a connection closed without a response, or a truncated response, would be a dropped request.
    assert set(ledger.transport_errors) <= {"ConnectionRefusedError", "ConnectionResetError"}, ledger.summary()
    assert missing_acknowledged(server.database, ledger.acknowledged) == []
    assert consistency_problems(server.database, ledger) == []
    assert server.log_problems() == []


@pytest.mark.parametrize("url", [
    "sqlite:////nonexistent-quizapp-dir/nowhere/r.sqlite",
    "postgresql+psycopg://postgres@127.0.0.1:{port}/quizapp",
], ids=["sqlite-missing-dir", "postgres-nothing-listening"])
def test_healthz_is_a_json_503_when_the_database_is_unreachable(url: str, tmp_path: Path) -> None:
    app = create_app({"DATABASE_URL": url.format(port=free_port()), "SECRET_KEY": "x", "TESTING": True,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    reply = app.test_client().get("/healthz")
    assert reply.status_code == 503
    assert reply.mimetype == "application/json"
    assert reply.get_json()["status"] == "error"
