"""check-bank and load-bank on imported formats; GIFT export round trip; limits; CSRF on instructor forms."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from quizapp.core import bank_check
from quizapp.core.bank_check import MAX_QUESTIONS, check_bank_text
from tests.web.test_instructor import import_bank, make_instructor
from tests.web.test_security import logged_in_instructor

GIFT = """$CATEGORY: top/Basics

::subset:: Every LLM is Generative AI. {T#Wrong: LLMs are a subset.#Right.}

::pick:: Which is an LLM? {=GPT-4#Yes ~%-50%StyleGAN#No, a GAN ####GPT-4 is a language model.}

::num:: How many methods does seed 000 name for Generative AI? {#3:0}

::pairs:: Match. {=GPT-4 -> LLM =StyleGAN -> GAN = -> VAE}

::short:: Name the LLM architecture. {=Transformer =%50%attention*}
"""


def test_check_bank_json_lists_questions_and_exit_codes(runner: FlaskCliRunner, tmp_path: Path):
    path = tmp_path / "week.gift"
    path.write_text(GIFT)
    result = runner.invoke(args=["check-bank", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["summary"] == "5 questions in 1 category, 0 warnings"
    by_name = {q["name"]: q for q in data["questions"]}
    assert by_name["subset"]["qtype"] == "truefalse" and by_name["subset"]["tf_answer"] is True
    assert [(a["text"], a["fraction"], a["feedback"]) for a in by_name["pick"]["answers"]] == [
        ("GPT-4", 1.0, "Yes"), ("StyleGAN", -0.5, "No, a GAN")]
    assert by_name["num"]["answers"][0]["tolerance"] == 0
    assert by_name["pairs"]["pairs"][-1] == {"left": "", "right": "VAE"}
    assert by_name["short"]["category"] == "top/Basics"
    broken = tmp_path / "broken.gift"
    broken.write_text("::a:: Q {=x ~y\n\n::b:: R {~%33%x =y}\n")
    result = runner.invoke(args=["check-bank", str(broken)])
    assert result.exit_code == 1
    assert "line 1" in result.output and "line 3" in result.output and "%33%" in result.output


def test_load_bank_loads_gift_from_the_command_line(app: Flask, runner: FlaskCliRunner, tmp_path: Path):
    path = tmp_path / "week.gift"
    path.write_text(GIFT)
    result = runner.invoke(args=["load-bank", str(path), "--title", "Week 1"])
    assert result.exit_code == 0 and "Created: gift bank 'week'" in result.output
    bad = tmp_path / "bad.gift"
    bad.write_text("::a:: Q {=x ~y\n")
    assert runner.invoke(args=["load-bank", str(bad)]).exit_code == 1


def test_gift_export_imports_back_to_the_same_questions(app: Flask):
    client = app.test_client()
    make_instructor(app, client)
    slug = import_bank(client, GIFT, "week.gift")
    exported = client.get(f"/instructor/banks/{slug}/export.gift").get_data(as_text=True)
    again = check_bank_text(exported, "again.gift")
    original = check_bank_text(GIFT, "week.gift")
    assert again.ok
    strip = [dict(q.to_dict(), line=0) for q in original.questions]
    assert [dict(q.to_dict(), line=0) for q in again.questions] == strip


def gift_questions(count: int) -> str:
    return "".join(f"::q{i}:: Question {i}? {{=yes ~no}}\n\n" for i in range(count))


def test_a_bank_of_50001_questions_is_refused_by_check_bank_naming_the_limit(runner: FlaskCliRunner, tmp_path: Path):
    assert MAX_QUESTIONS == 50_000
    path = tmp_path / "huge.gift"
    path.write_text(gift_questions(MAX_QUESTIONS + 1))
    result = runner.invoke(args=["check-bank", str(path)])
    assert result.exit_code == 1
    assert "huge.gift: 50,001 questions; a bank may hold at most 50,000: split the file into several banks" \
        in result.output


def test_the_question_limit_itself_is_accepted(monkeypatch: pytest.MonkeyPatch):
    """The limit's logic on a lowered cap (a real 50,000-question check is in benchmarks/import_gift.py)."""
    monkeypatch.setattr(bank_check, "MAX_QUESTIONS", 100)
    assert check_bank_text(gift_questions(100), "limit.gift").ok
    over = check_bank_text(gift_questions(101), "over.gift")
    assert over.errors == ["over.gift: 101 questions; a bank may hold at most 100: split the file into several banks"]
    aiken = "".join(f"Question {i}?\nA) yes\nB) no\nANSWER: A\n" for i in range(101))
    assert not check_bank_text(aiken, "huge.txt", "aiken").ok


def test_instructor_forms_need_csrf_tokens(csrf_app: Flask):
    client = logged_in_instructor(csrf_app)
    response = client.post("/instructor/banks/upload", data={"file": (io.BytesIO(b"x"), "a.gift")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "security token" in response.get_data(as_text=True)
    assert client.post("/instructor/users/1/promote").status_code == 400
