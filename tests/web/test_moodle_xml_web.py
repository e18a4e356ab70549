"""Moodle XML and QTI in the app: upload with preview, embedded images served to the right people, exports, CLI."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from quizapp.core.formats.moodle_xml import parse_moodle_xml
from quizapp.extensions import db
from quizapp.models import Bank, QuizAttempt, User
from quizapp.question_files import QuestionFile
from tests.conftest import AuthActions
from tests.web.test_instructor import create_assignment, import_bank, make_instructor, upload

DATA = Path(__file__).resolve().parents[1] / "data" / "moodlexml"
IMAGES = (DATA / "truefalse_with_images.xml").read_text(encoding="utf-8")


def image_urls(html: str) -> list[str]:
    return re.findall(r'src="(/question-files/[0-9a-f]{64}/[^"]+)"', html)


def test_upload_preview_and_import_stores_images_once(app: Flask):
    teacher = app.test_client()
    make_instructor(app, teacher)
    response = upload(teacher, IMAGES, "moodle-tf.xml")
    assert response.status_code == 302, response.get_data(as_text=True)
    preview = teacher.get(response.location).get_data(as_text=True)
    assert "in 1 category, 0 warnings" in preview and "Moodle acronym (False)" in preview
    with app.app_context():
        assert db.session.execute(select(func.count(QuestionFile.id))).scalar_one() == 0  # nothing before confirming
    teacher.post(response.location + "/confirm")
    with app.app_context():
        bank = db.session.execute(select(Bank).filter_by(slug="moodle-tf")).scalar_one()
        stored = db.session.execute(select(QuestionFile).filter_by(bank_id=bank.id)).scalars().all()
        assert sorted(f.content_type for f in stored) == ["image/jpeg", "image/jpeg"]
    page = teacher.get("/instructor/banks/moodle-tf").get_data(as_text=True)
    assert "Export Moodle XML" in page and "Export QTI (Canvas)" in page


def test_a_broken_xml_file_is_refused_with_its_line_and_nothing_is_written(app: Flask):
    teacher = app.test_client()
    make_instructor(app, teacher)
    response = upload(teacher, (DATA / "error_invalid_grades.xml").read_text(), "bad.xml")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "line 38" in html and "the fraction 33" in html
    laughs = '<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaa">]><quiz>&a;</quiz>'
    response = upload(teacher, laughs, "laughs.xml")
    assert response.status_code == 400 and "entity" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count(Bank.id)).filter_by(format="moodlexml")).scalar_one() == 0


def test_images_are_served_to_instructors_and_learners_with_an_attempt_only(app: Flask, runner: FlaskCliRunner,
                                                                            tmp_path: Path):
    path = tmp_path / "moodle-tf.xml"
    path.write_text(IMAGES, encoding="utf-8")
    assert runner.invoke(args=["load-bank", str(path)]).exit_code == 0
    result = parse_moodle_xml(IMAGES)
    file = result.questions[0].files[0]
    url = f"/question-files/{file.sha256}/{file.name}"

    assert app.test_client().get(url).status_code == 404  # a guest with no attempt
    learner = app.test_client()
    AuthActions(learner).register("lea")
    assert learner.get(url).status_code == 404
    with app.app_context():
        bank = db.session.execute(select(Bank).filter_by(slug="moodle-tf")).scalar_one()
        lea = db.session.execute(select(User).filter_by(username="lea")).scalar_one()
        db.session.add(QuizAttempt(user_id=lea.id, bank_id=bank.id, seed=1, kinds=[], feedback="immediate",
                                   question_count=1))
        db.session.commit()
    response = learner.get(url)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.data == result.files[file.sha256]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    teacher = app.test_client()
    make_instructor(app, teacher, "teach2")
    assert teacher.get(url).status_code == 200
    assert teacher.get(f"/question-files/{'0' * 64}/x.png").status_code == 404


def test_preview_links_images_to_the_app(app: Flask):
    teacher = app.test_client()
    make_instructor(app, teacher)
    slug = import_bank(teacher, IMAGES, "moodle-tf.xml")
    page = teacher.get(f"/instructor/banks/{slug}").get_data(as_text=True)
    urls = image_urls(page)
    assert urls and "@@PLUGINFILE@@" not in page
    assert all(teacher.get(u).status_code == 200 for u in urls)


def test_exports_round_trip_with_their_images(app: Flask):
    teacher = app.test_client()
    make_instructor(app, teacher)
    slug = import_bank(teacher, IMAGES, "moodle-tf.xml")
    response = teacher.get(f"/instructor/banks/{slug}/export.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    again = parse_moodle_xml(response.get_data(as_text=True))
    first = parse_moodle_xml(IMAGES)
    assert [q.to_dict() | {"line": 0} for q in again.questions] == [q.to_dict() | {"line": 0} for q in first.questions]
    assert again.files == first.files
    response = teacher.get(f"/instructor/banks/{slug}/export.qti.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert "imsmanifest.xml" in names and sum(n.startswith("images/") for n in names) == 2
    for fmt in ("xml", "qti.zip"):  # a fact bank exports a generated sample
        assert teacher.get(f"/instructor/banks/llm-vs-genai/export.{fmt}").status_code == 200
    assert teacher.get(f"/instructor/banks/{slug}/export.docx").status_code == 404


def test_gift_and_csv_banks_export_as_moodle_xml_too(app: Flask):
    teacher = app.test_client()
    make_instructor(app, teacher)
    slug = import_bank(teacher, "::Q1:: 2+2? {=4 ~3 ~5}\n\n::E:: Explain.{}\n", "week.gift")
    xml = teacher.get(f"/instructor/banks/{slug}/export.xml").get_data(as_text=True)
    questions = parse_moodle_xml(xml).questions
    assert [(q.qtype, q.name) for q in questions] == [("multichoice", "Q1"), ("essay", "E")]


def test_cli_check_bank_json_and_export_quiz(runner: FlaskCliRunner, tmp_path: Path):
    path = tmp_path / "bank.xml"
    path.write_text((DATA / "categories_reverse_order.xml").read_text(), encoding="utf-8")
    result = runner.invoke(args=["check-bank", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["format"] == "moodlexml" and [q["name"] for q in data["questions"]] == ["Tau Question",
                                                                                      "Sigma Question"]
    assert runner.invoke(args=["check-bank", str(path), "--type", "moodlexml"]).exit_code == 0
    result = runner.invoke(args=["export-quiz", "--bank", "llm-vs-genai", "--count", "5", "--format", "moodlexml"])
    assert result.exit_code == 0, result.output
    exported = parse_moodle_xml(result.output)
    assert exported.errors == [] and len(exported.questions) == 5
    assert all(q.category == "quizapp/llm-vs-genai" and q.general_feedback for q in exported.questions)
    assert runner.invoke(args=["export-quiz", "--bank", "llm-vs-genai", "--format", "qti"]).exit_code != 0
    out = tmp_path / "quiz.zip"
    result = runner.invoke(args=["export-quiz", "--bank", "llm-vs-genai", "--format", "qti", "--output", str(out)])
    assert result.exit_code == 0 and "imsmanifest.xml" in zipfile.ZipFile(out).namelist()


def test_images_of_a_private_bank_are_hidden_from_other_instructors(app: Flask):
    owner, other = app.test_client(), app.test_client()
    make_instructor(app, owner, "owner")
    make_instructor(app, other, "other")
    import_bank(owner, IMAGES, "moodle-tf.xml")
    file = parse_moodle_xml(IMAGES).questions[0].files[0]
    url = f"/question-files/{file.sha256}/{file.name}"
    assert owner.get(url).status_code == 200
    assert other.get(url).status_code == 404  # a private bank (the default) is its owner's only
    with app.app_context():
        bank = db.session.execute(select(Bank).filter_by(slug="moodle-tf")).scalar_one()
        bank.visibility = "shared"
        db.session.commit()
    assert other.get(url).status_code == 200


def test_essays_are_asked_and_descriptions_are_shown_but_not_counted(app: Flask):
    teacher = app.test_client()
    make_instructor(app, teacher)
    xml = (DATA / "xmlformat_test_examples.xml").read_text()
    slug = import_bank(teacher, xml, "examples.xml")
    _, code = create_assignment(teacher, slug, question_count=50)
    learner = app.test_client()
    AuthActions(learner).register("lea")
    response = learner.post(f"/a/{code}/start")
    assert response.status_code == 302 and "/quiz/" in response.location
    assert learner.get(response.location).status_code == 200
    with app.app_context():
        attempt = db.session.get(QuizAttempt, int(response.location.rsplit("/", 1)[1]))
        kinds = sorted(q.data["imported"]["qtype"] for q in attempt.questions)
    # Since issue 12 §2 essays are questions; the description is shown with a question, not counted as one.
    assert kinds == sorted(["essay", "essay", "matching", "multichoice", "numerical", "shortanswer", "truefalse",
                            "truefalse", "truefalse"])
    assert "description" not in kinds


def test_the_upload_preview_shows_the_images_before_anything_is_stored(app: Flask):
    teacher, other = app.test_client(), app.test_client()
    make_instructor(app, teacher)
    make_instructor(app, other, "other")
    response = upload(teacher, IMAGES, "moodle-tf.xml")
    preview = teacher.get(response.location).get_data(as_text=True)
    urls = [u for u in re.findall(r'src="([^"]+)"', preview) if "/files/" in u]
    assert urls and all(u.startswith(response.location + "/files/") for u in urls)
    image = teacher.get(urls[0])
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert other.get(urls[0]).status_code == 404  # another instructor's upload
    with app.app_context():
        assert db.session.execute(select(func.count(QuestionFile.id))).scalar_one() == 0


def test_the_preview_reads_its_upload_once_for_all_its_images(app: Flask, monkeypatch: pytest.MonkeyPatch):
    """Each image of a preview is its own request: reading the (up to 32 MB) file once per image was a parse
    of the whole file each. The images come from the check the preview keeps for its pages."""
    from quizapp.instructor import upload_preview

    teacher = app.test_client()
    make_instructor(app, teacher)
    response = upload(teacher, (DATA / "multichoice.xml").read_text(encoding="utf-8"), "multichoice.xml")
    checks: list[str] = []
    real = upload_preview.check_bank_text
    monkeypatch.setattr(upload_preview, "check_bank_text", lambda *a: checks.append(a[2]) or real(*a))
    urls = [u for u in re.findall(r'src="([^"]+)"', teacher.get(response.location).get_data(as_text=True))
            if "/files/" in u]
    assert len(urls) == 4 and all(teacher.get(u).status_code == 200 for u in urls * 2)
    assert checks == ["moodlexml"]  # the preview's check, and no other
    assert teacher.get(urls[0].rsplit("/", 2)[0] + "/" + "0" * 64 + "/x.jpg").status_code == 404
    upload_preview.forget_upload(int(response.location.rsplit("/", 1)[1]))  # another process: one check
    assert all(teacher.get(u).status_code == 200 for u in urls) and checks == ["moodlexml"] * 2


def test_moodles_multichoice_imports_its_flags_and_warns_of_the_mp3(app: Flask):
    teacher = app.test_client()
    make_instructor(app, teacher)
    response = upload(teacher, (DATA / "multichoice.xml").read_text(encoding="utf-8"), "multichoice.xml")
    assert response.status_code == 302, response.get_data(as_text=True)
    preview = teacher.get(response.location).get_data(as_text=True)
    assert "1 questions in 1 category, 1 warning" in preview and "What language is being spoken?" in preview
    assert "line 18" in preview and "bonjour.mp3" in preview and "imported without it" in preview
    teacher.post(response.location + "/confirm")
    with app.app_context():
        bank = db.session.execute(select(Bank).filter_by(slug="multichoice")).scalar_one()
        stored = db.session.execute(select(QuestionFile).filter_by(bank_id=bank.id)).scalars().all()
        assert sorted((f.content_type, f.size) for f in stored) == [
            ("image/jpeg", 1024), ("image/jpeg", 1098), ("image/jpeg", 1250), ("image/jpeg", 1999)]
    page = teacher.get("/instructor/banks/multichoice").get_data(as_text=True)
    urls = image_urls(page)
    assert sorted(u.rsplit("/", 1)[1] for u in urls) == ["flag-denmark.jpg", "flag-france.jpg", "flag-german.jpg",
                                                         "flag-uk.jpg"]
    assert all(teacher.get(u).mimetype == "image/jpeg" for u in urls)


def test_a_file_of_cloze_questions_is_refused_listing_each_skipped_question(app: Flask, runner: FlaskCliRunner,
                                                                          tmp_path: Path):
    teacher = app.test_client()
    make_instructor(app, teacher)
    response = upload(teacher, (DATA / "multianswer.xml").read_text(encoding="utf-8"), "multianswer.xml")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There are no questions in the import file that quizapp can import" in html
    assert "line 12" in html and "the cloze question &#39;cloze with images&#39; is skipped" in html
    path = tmp_path / "broken.xml"
    path.write_text((DATA / "broken_cloze_questions.xml").read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(args=["check-bank", str(path), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["questions"] == [] and len(data["errors"]) == 1
    assert [w.split(": ")[1] for w in data["warnings"]] == ["line 4", "line 20", "line 36", "line 52", "line 68"]
    assert all("cloze question" in w and "is skipped" in w for w in data["warnings"])
    with app.app_context():
        assert db.session.execute(select(func.count(Bank.id)).filter_by(format="moodlexml")).scalar_one() == 0
