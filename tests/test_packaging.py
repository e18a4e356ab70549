"""The wheel ships templates/, static/ and question_bank/ and works outside the repository."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

from quizapp.paths import resource_dir
from tests.conftest import REPO


def test_resource_folders_resolve_in_a_checkout():
    for name in ("templates", "static", "question_bank"):
        assert resource_dir(name).is_dir(), name
    assert (resource_dir("templates") / "base.html").is_file()


@pytest.mark.slow
def test_wheel_installs_in_a_clean_venv_and_serves_a_page_and_a_static_file(tmp_path: Path):
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
                           cwd=REPO, capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = dist.glob("quizapp-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("quizapp/templates/base.html", "quizapp/static/style.css",
                     "quizapp/question_bank/llm-vs-genai.yaml", "quizapp/migrations/env.py"):
        assert expected in names

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)],
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr[-2000:]

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    script = textwrap.dedent(f"""
        import quizapp, sys
        assert "site-packages" in quizapp.__file__, quizapp.__file__
        from flask_migrate import upgrade
        from quizapp import MIGRATIONS_DIR, create_app
        from quizapp.banks import bundled_bank_files, store_bank_file
        app = create_app({{"DATABASE_URL": "sqlite:///{outside / 'w.sqlite'}", "SECRET_KEY": "x",
                          "INSTANCE_PATH": "{outside / 'instance'}"}})
        with app.app_context():
            upgrade(directory=str(MIGRATIONS_DIR))
            for path in bundled_bank_files():
                store_bank_file(path)
        client = app.test_client()
        home, css, start = client.get("/"), client.get("/static/style.css"), client.get("/quiz/")
        print(home.status_code, css.status_code, start.status_code, css.content_type)
        print("LLMs vs Generative AI" in start.get_data(as_text=True))
    """)
    run = subprocess.run([str(python), "-c", script], cwd=outside, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split() == ["200", "200", "200", "text/css;", "charset=utf-8", "True"]
