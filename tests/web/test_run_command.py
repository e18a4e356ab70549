"""`quizapp run`: gunicorn sized to the machine, stopped cleanly by Ctrl+C; `--dev` is Flask's reloader."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from quizapp.server import MAX_DEFAULT_WORKERS, available_cpus, default_workers

SCRIPT = Path(sys.executable).parent / "quizapp"
START_TIMEOUT = 90.0  # a bound for a busy machine, not a measurement
STOP_TIMEOUT = 60.0


@pytest.mark.parametrize(("cpus", "workers"), [(0, 3), (1, 3), (2, 5), (3, 7), (4, MAX_DEFAULT_WORKERS),
                                               (64, MAX_DEFAULT_WORKERS)])
def test_workers_are_two_per_cpu_plus_one_capped(cpus: int, workers: int) -> None:
    assert default_workers(cpus) == workers


def test_available_cpus_counts_this_process_share() -> None:
    assert 1 <= available_cpus() <= (os.cpu_count() or 1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _default_sigint() -> None:
    """A terminal's foreground job gets SIGINT at its default even when pytest runs in the background."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _serve(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[bytes], Path, int]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "WEB_CONCURRENCY"))},
           "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite'}", "SECRET_KEY": "x"}
    subprocess.run([str(SCRIPT), "init-db", "--no-default-banks"], env=env, check=True, capture_output=True,
                   timeout=120)
    port = _free_port()
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(SCRIPT), "run", "--port", str(port), *args], env=env, stdout=out,
                                stderr=subprocess.STDOUT, cwd=tmp_path, start_new_session=True,
                                preexec_fn=_default_sigint)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # noqa: S310
                assert response.status == 200
                return proc, log, port
        except (urllib.error.URLError, ConnectionError, OSError):
            if proc.poll() is not None or time.monotonic() > deadline:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                pytest.fail(f"quizapp run did not answer (exit {proc.returncode}):\n{log.read_text()}")
            time.sleep(0.2)  # waiting for a process to start listening; there is nothing to wait on yet


def _ctrl_c(proc: subprocess.Popen[bytes]) -> int:
    """What Ctrl+C does: SIGINT to the terminal's whole process group."""
    os.killpg(proc.pid, signal.SIGINT)
    try:
        return proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        pytest.fail(f"still running {STOP_TIMEOUT:.0f} s after Ctrl+C")


def _left_running(proc: subprocess.Popen[bytes]) -> list[str]:
    """Processes still in the server's group, given a moment to finish exiting."""
    deadline = time.monotonic() + 10
    while True:
        left = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True).stdout.split()
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)  # a process that was told to exit; nothing else to wait on


@pytest.mark.slow
def test_run_serves_with_gunicorn_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    proc, log, _ = _serve(tmp_path, "--workers", "2")
    assert _ctrl_c(proc) == 0
    text = log.read_text()
    assert "Starting gunicorn" in text and text.count("Booting worker") == 2
    assert "development server" not in text and "Traceback" not in text and "Exception ignored" not in text
    assert "Handling signal: int" in text and "Shutting down: Master" in text
    assert not _left_running(proc)


@pytest.mark.slow
def test_run_dev_is_flasks_server_with_its_reloader(tmp_path: Path) -> None:
    proc, log, _ = _serve(tmp_path, "--dev")
    _ctrl_c(proc)
    assert not _left_running(proc)  # the reloader's child too
    text = log.read_text()
    assert "Restarting with stat" in text or "Restarting with watchdog" in text  # the reloader
    assert "Debug mode: on" in text and "gunicorn" not in text
