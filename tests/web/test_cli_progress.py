"""Big banks (issue 11): check-bank and load-bank show their phases and a progress bar for a large file, on a
terminal only; JSON output and output into a pipe (CliRunner's is one) stay exactly as they were."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from quizapp import cli


def big_gift(tmp_path: Path, count: int = 8000) -> Path:
    path = tmp_path / "big.gift"
    path.write_text("".join(f"::q{i}:: Which is question number {i}? {{=this one ~that one}}\n\n"
                            for i in range(count)))
    assert path.stat().st_size >= cli.PROGRESS_FROM_BYTES
    return path


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stderr taken for a terminal (CliRunner's streams are not; click then prints each bar's label once)."""
    monkeypatch.setattr(cli, "_stderr_is_terminal", lambda: True)


def test_check_bank_shows_its_phases_on_a_terminal(runner: FlaskCliRunner, tmp_path: Path, terminal: None):
    result = runner.invoke(args=["check-bank", str(big_gift(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "Reading big.gift (0.5 MB)…" in result.stderr and "Checking big.gift" in result.stderr
    assert result.stdout.startswith("big.gift (Moodle GIFT): 8000 questions in 1 category")


def test_load_bank_shows_reading_and_writing_on_a_terminal(runner: FlaskCliRunner, tmp_path: Path,
                                                           terminal: None):
    result = runner.invoke(args=["load-bank", str(big_gift(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "Reading and checking big.gift (0.5 MB)…" in result.stderr
    assert "Writing 8,000 questions" in result.stderr
    assert result.stdout.strip() == "Created: gift bank 'big': 8000 questions in 1 category, 0 warnings"


def test_json_output_has_no_progress_even_on_a_terminal(runner: FlaskCliRunner, tmp_path: Path, terminal: None):
    result = runner.invoke(args=["check-bank", str(big_gift(tmp_path)), "--format", "json"])
    assert result.exit_code == 0 and result.stderr == ""
    data = json.loads(result.output)
    assert data["summary"] == "8000 questions in 1 category, 0 warnings" and len(data["questions"]) == 8000


def test_no_progress_into_a_pipe(runner: FlaskCliRunner, tmp_path: Path):
    path = big_gift(tmp_path)
    assert runner.invoke(args=["check-bank", str(path)]).stderr == ""
    json.loads(runner.invoke(args=["check-bank", str(path), "--format", "json"]).output)
    assert runner.invoke(args=["load-bank", str(path)]).stderr == ""


def test_a_small_file_shows_no_progress(runner: FlaskCliRunner, tmp_path: Path, terminal: None):
    path = tmp_path / "small.gift"
    path.write_text("::q:: Which? {=a ~b}\n")
    assert runner.invoke(args=["check-bank", str(path)]).stderr == ""
