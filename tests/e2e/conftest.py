"""End-to-end fixtures: a real quizapp server process and a real Chromium driven by Playwright.

The server is started the way a user starts it (``quizapp init-db`` then ``quizapp run``) on a
fresh SQLite file in a temporary folder, once per test session; when ``TEST_DATABASE_URL`` is set,
on a fresh PostgreSQL database of its own on that server instead (the per-test schemas of the other
tests live in TEST_DATABASE_URL's database, so the server's data is never reset under it).
Every test gets a fresh browser context (its own cookies), so tests do not share a session.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import SCHEMA_PREFIX, TEST_DATABASE_URL, create_database, drop_database, require_postgres
from tests.e2e.flows import new_context

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
MISSING_CHROMIUM = (f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
                    "(`make test` installs it with `apt-get install chromium`).")
SERVER_START_TIMEOUT = 60.0  # a bound for a busy machine (gunicorn boots its workers), not a measurement


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``browser``; skip them all up front when Chromium is missing."""
    skip = pytest.mark.skip(reason=MISSING_CHROMIUM) if not CHROMIUM.exists() else None
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if skip is not None:
                item.add_marker(skip)


def _quizapp_command() -> list[str]:
    """The venv's ``quizapp`` script, else what it runs (``quizapp.cli.main``: its ``run`` is gunicorn, which
    ``flask --app quizapp run`` is not)."""
    script = Path(sys.executable).parent / "quizapp"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from quizapp.cli import main; main()"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - our own local server
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@pytest.fixture(scope="session")
def e2e_database() -> Iterator[str]:
    """The e2e server's database URL: a SQLite file, or a fresh PostgreSQL database dropped afterwards."""
    if TEST_DATABASE_URL is None:
        tmp = Path(tempfile.mkdtemp(prefix="quizapp-e2e-db-"))
        yield f"sqlite:///{tmp / 'e2e.sqlite'}"
        shutil.rmtree(tmp, ignore_errors=True)
        return
    base = require_postgres()
    name = f"{SCHEMA_PREFIX}e2e_{os.getpid()}"
    create_database(base, name)
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    drop_database(base, name)


@pytest.fixture(scope="session")
def e2e_env(e2e_database: str) -> Iterator[dict[str, str]]:
    """The environment of the e2e server: its fresh database and a temporary folder."""
    tmp = Path(tempfile.mkdtemp(prefix="quizapp-e2e-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update({
        "DATABASE_URL": e2e_database,
        "SECRET_KEY": "e2e-secret-key",
        "PYTHONUNBUFFERED": "1",
        "E2E_TMP": str(tmp),
    })
    yield env
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def e2e_database_url(e2e_env: dict[str, str]) -> str:
    """The server's database, for tests that set up data with the command line (e.g. an instructor)."""
    return e2e_env["DATABASE_URL"]


@pytest.fixture(scope="session")
def live_server(e2e_env: dict[str, str]) -> Iterator[str]:
    """A real ``quizapp run`` process on a free port with a fresh, migrated database; yields its base URL."""
    env = e2e_env
    tmp = Path(env["E2E_TMP"])
    command = _quizapp_command()
    init = subprocess.run([*command, "init-db"], env=env, capture_output=True, text=True, timeout=60)
    if init.returncode != 0:
        pytest.fail(f"`quizapp init-db` failed ({init.returncode}):\n{init.stdout}\n{init.stderr}")

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    out_path, err_path = tmp / "server.out", tmp / "server.err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        # Two gunicorn workers: enough for one browser at a time, and quick to boot on a busy machine.
        proc = subprocess.Popen([*command, "run", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                                env=env, stdout=out, stderr=err, cwd=tmp)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _answers(base_url + "/"):
            if proc.poll() is not None or time.monotonic() > deadline:
                state = f"exited with {proc.returncode}" if proc.returncode is not None else \
                    f"did not answer within {SERVER_START_TIMEOUT:.0f} s"
                pytest.fail(f"The quizapp server {state} ({base_url}).\nstderr:\n"
                            f"{err_path.read_text(errors='replace')}\nstdout:\n{out_path.read_text(errors='replace')}")
            time.sleep(0.1)  # polling a process that is starting; there is no page to wait on yet
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session."""
    if not CHROMIUM.exists():
        pytest.skip(MISSING_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site(browser, live_server: str, e2e_database_url: str):
    """Data for every page (a learner, an instructor, a bank, an assignment, attempts, a card), built once for
    the tests that visit all pages (tests/e2e/site_pages.py)."""
    from tests.e2e.site_pages import build_site

    built = build_site(browser, live_server, e2e_database_url)
    yield built
    built.close()


@pytest.fixture
def page(browser, live_server: str):
    """A page in a fresh browser context (no cookies), with ``goto("/")`` relative to the live server."""
    context = new_context(browser, live_server)
    page = context.new_page()
    yield page
    context.close()
