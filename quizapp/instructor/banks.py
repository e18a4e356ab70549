"""Instructor views for banks: upload with a preview, list, preview, enable/disable, export, delete."""

from __future__ import annotations

import json

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from ..bank_questions import question_count
from ..banks import fact_bank, imported_questions, slug_problem, store_bank
from ..bounded_check import TooComplexToCheck, check_within
from ..config import MAX_UPLOAD_BYTES
from ..core.bank_check import FORMATS, fit_filename
from ..core.bank_loader import BankError
from ..core.formats.generated import imported_from_generated
from ..core.formats.gift import GiftWriteError, write_gift
from ..core.formats.moodle_xml_writer import MoodleXmlWriteError, write_moodle_xml
from ..core.formats.qti import QtiWriteError, write_qti_package
from ..core.generators import generate_quiz
from ..core.imported import ImportedQuestion
from ..core.paging import ISSUES_SHOWN, NoSuchPage, Page, page_of
from ..core.quiz_export import quiz_to_gift, quiz_to_json
from ..extensions import db
from ..models import SHARED, Assignment, Bank, BankUpload, utcnow
from ..question_files import file_bytes
from . import bp
from .access import can_manage, can_view, instructor_required, require_own_bank
from .forms import ButtonForm, ConfirmForm, UploadForm, VisibilityForm
from .upload_preview import checked_upload, forget_upload

EXPORT_SEED = 1
FACTBANK_EXPORT_COUNT = 500


def bank_or_404(slug: str) -> Bank:
    """A bank this instructor may see, not deleted (enabled or not), or a 404 page (also for others' private ones)."""
    bank = db.session.execute(select(Bank).filter_by(slug=slug, deleted_at=None)).scalar_one_or_none()
    if bank is None or not can_view(bank):
        abort(404, description=f"There is no question bank '{slug}'.")
    return bank


@bp.get("/instructor/")
@instructor_required
def dashboard() -> str:
    """My banks and assignments, the site's banks and those other instructors share."""
    banks = db.session.execute(select(Bank).where(Bank.deleted_at.is_(None), or_(
        Bank.owner_id == current_user.id, Bank.owner_id.is_(None), Bank.visibility == SHARED))
        .options(selectinload(Bank.owner)).order_by(Bank.title)).scalars().all()  # "shared by <owner>"
    assignments = db.session.execute(select(Assignment).filter_by(instructor_id=current_user.id, deleted_at=None)
                                     .options(selectinload(Assignment.bank))  # each one's bank title
                                     .order_by(Assignment.created_at.desc())).scalars().all()
    pending = db.session.execute(select(BankUpload).filter_by(owner_id=current_user.id)
                                 .order_by(BankUpload.created_at.desc())).scalars().all()
    return render_template("instructor/dashboard.html", banks=banks, assignments=assignments, pending=pending,
                           formats=FORMATS, can_manage=can_manage)


@bp.route("/instructor/banks/upload", methods=["GET", "POST"])
@instructor_required
def upload() -> str | Response | tuple[str, int]:
    """Upload a bank file; it is checked and previewed before anything is imported."""
    form = UploadForm()
    problems: list[str] = []
    warnings: list[str] = []
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        filename = fit_filename(secure_filename(form.file.data.filename or "") or "bank.txt")
        raw = form.file.data.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problems = [f"{filename}: the file is not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again"]
        else:
            try:  # under a hard time limit, in a process of its own (see bounded_check)
                check = check_within(current_app.config["BANK_CHECK_SECONDS"], text, filename,
                                     form.format.data or None, form.slug.data or None, form.title.data or None,
                                     with_questions=False)
            except TooComplexToCheck as exc:
                current_app.logger.warning("upload %s refused: %s", filename, exc)
                return render_template("instructor/upload.html", form=form, problems=[f"{filename}: {exc}"]), 422
            problems, warnings = check.errors, check.warnings  # warnings shown beside errors, as check-bank does
            taken = check.ok and slug_problem(db.session.execute(select(Bank).filter_by(slug=check.slug))
                                              .scalar_one_or_none(), current_user.id)
            if taken:
                problems = [f"{filename}: {taken}"]
            elif check.ok:
                pending = BankUpload(owner_id=current_user.id, filename=filename, format=check.format,
                                     slug=check.slug, title=check.title, text=text, visibility=form.visibility.data)
                db.session.add(pending)
                db.session.commit()
                return redirect(url_for("instructor.preview_upload", upload_id=pending.id))
    elif form.file.data and _file_size(form.file.data) > MAX_UPLOAD_BYTES:
        status = 413  # the file alone is over the limit, though the request was within MAX_CONTENT_LENGTH
    return render_template("instructor/upload.html", form=form, problems=problems, warnings=warnings), status


def _file_size(storage: FileStorage) -> int:
    storage.stream.seek(0, 2)
    size = storage.stream.tell()
    storage.stream.seek(0)
    return size


def _pending(upload_id: int) -> BankUpload:
    pending = db.session.get(BankUpload, upload_id)
    if pending is None or pending.owner_id != current_user.id:
        abort(404, description="There is no such upload waiting for you (it may have been imported already).")
    return pending


@bp.context_processor
def _paging_limits() -> dict[str, int]:
    return {"issues_shown": ISSUES_SHOWN}


def _page(total: int) -> Page:
    """The page ``?page=N`` asks for (default 1) of ``total`` questions, or a 404 naming the pages there are."""
    try:
        return page_of(total, request.args.get("page", 1, type=int))
    except NoSuchPage as exc:
        abort(404, description=str(exc))


def _preview(pending: BankUpload, problems: list[str] | None = None) -> str:
    check = checked_upload(pending)
    page = _page(len(check.questions))
    g.previewed_upload = pending.id  # embedded images link to the upload (see quizapp.question_files)
    return render_template("instructor/preview.html", pending=pending, check=check, page=page,
                           questions=check.questions[page.start:page.stop], confirm=ConfirmForm(),
                           cancel=ButtonForm(), problems=problems or [])


@bp.get("/instructor/uploads/<int:upload_id>")
@instructor_required
def preview_upload(upload_id: int) -> str:
    """What would be imported: the summary, warnings and the questions, 200 to a page (``?page=N``)."""
    return _preview(_pending(upload_id))


@bp.post("/instructor/uploads/<int:upload_id>/confirm")
@instructor_required
def confirm_upload(upload_id: int) -> str | Response | tuple[str, int]:
    """Import the previewed file, all or nothing."""
    pending = _pending(upload_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, description="The confirmation form was not valid.")
    forget_upload(upload_id)  # store_bank checks the file again: a 50,000-question check is not kept twice
    # The text as bytes, and the ORM's str of it dropped: store_bank then holds a str of it only while it checks it.
    data = pending.text.encode()
    db.session.expire(pending, ["text"])
    try:
        result = store_bank(data, pending.filename, pending.format, pending.slug, pending.title,
                            owner_id=current_user.id, visibility=pending.visibility)
    except BankError as exc:
        db.session.rollback()
        return _preview(pending, exc.problems), 400
    # By its id: the commit expired ``pending``, and deleting the object would load its text again first.
    db.session.execute(delete(BankUpload).filter_by(id=upload_id))
    db.session.commit()
    flash(f"{result.status.capitalize()} {result.row.title}: {result.summary}.", "success")
    return redirect(url_for("instructor.bank", slug=result.row.slug))


@bp.post("/instructor/uploads/<int:upload_id>/cancel")
@instructor_required
def cancel_upload(upload_id: int) -> Response:
    pending = _pending(upload_id)
    if ButtonForm().validate_on_submit():
        db.session.delete(pending)
        db.session.commit()
        forget_upload(upload_id)
        flash("Upload discarded; nothing was imported.", "info")
    return redirect(url_for("instructor.dashboard"))


@bp.get("/instructor/banks/<slug>")
@instructor_required
def bank(slug: str) -> str:
    """Preview a bank's questions (as written, 200 to a page, ``?page=N``; or a sample generated from the facts)."""
    row = bank_or_404(slug)
    page = None
    if row.is_factbank:
        sample = generate_quiz(fact_bank(row), count=10, seed=EXPORT_SEED)
        questions: tuple[ImportedQuestion, ...] = ()
    else:
        page = _page(question_count(row))
        sample, questions = [], imported_questions(row, page.start, page.stop)  # the page's rows only
    return render_template("instructor/bank.html", bank=row, questions=questions, sample=sample, page=page,
                           manage=can_manage(row), button=ButtonForm(), formats=FORMATS,
                           visibility=VisibilityForm(visibility=row.visibility))


@bp.post("/instructor/banks/<slug>/visibility")
@instructor_required
def bank_visibility(slug: str) -> Response | tuple[str, int]:
    """The owner makes a bank private (theirs only) or shared (every instructor's to view, export, assign)."""
    row = require_own_bank(bank_or_404(slug))
    form = VisibilityForm()
    if not form.validate_on_submit():
        abort(400, description="Choose private or shared.")
    row.visibility = form.visibility.data
    db.session.commit()
    flash(f"{row.title} is now {row.visibility}.", "info")
    return redirect(url_for("instructor.bank", slug=slug))


@bp.post("/instructor/banks/<slug>/toggle")
@instructor_required
def toggle_bank(slug: str) -> Response:
    row = require_own_bank(bank_or_404(slug))
    if ButtonForm().validate_on_submit():
        row.enabled = not row.enabled
        db.session.commit()
        flash(f"{row.title} is now {'enabled' if row.enabled else 'disabled'}.", "info")
    return redirect(url_for("instructor.bank", slug=slug))


@bp.post("/instructor/banks/<slug>/delete")
@instructor_required
def delete_bank(slug: str) -> Response:
    """Delete a bank; attempts and reports that used it stay readable."""
    row = require_own_bank(bank_or_404(slug))
    if ButtonForm().validate_on_submit():
        row.deleted_at, row.enabled = utcnow(), False
        db.session.commit()
        flash(f"{row.title} deleted. Past attempts and results are kept.", "info")
    return redirect(url_for("instructor.dashboard"))


@bp.get("/instructor/banks/<slug>/export.<fmt>")
@instructor_required
def export_bank(slug: str, fmt: str) -> Response:
    """GIFT (for Moodle or re-import), Moodle XML, a QTI 1.2 package (Canvas) or JSON of the bank's questions."""
    row = bank_or_404(slug)
    if fmt in LMS_EXPORTS:
        return _lms_export(row, fmt)
    if fmt not in ("gift", "json"):
        abort(404, description="Banks export as .gift, .xml (Moodle XML), .qti.zip (QTI 1.2) or .json.")
    if row.is_factbank:
        questions = generate_quiz(fact_bank(row), count=FACTBANK_EXPORT_COUNT, seed=EXPORT_SEED)
        body = quiz_to_gift(slug, EXPORT_SEED, questions) if fmt == "gift" else \
            json.dumps(quiz_to_json(slug, EXPORT_SEED, questions), indent=2, ensure_ascii=False)
    else:
        imported = imported_questions(row)
        try:
            body = write_gift(imported) if fmt == "gift" else \
                json.dumps({"bank": slug, "title": row.title, "questions": [q.to_dict() for q in imported]},
                           indent=2, ensure_ascii=False)
        except GiftWriteError as exc:
            abort(422, description=f"This bank cannot be written as GIFT: {exc}. Export it as JSON instead.")
    mimetype = "text/plain" if fmt == "gift" else "application/json"
    return Response(body, mimetype=f"{mimetype}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{slug}.{fmt}"'})


LMS_EXPORTS = ("xml", "qti.zip")


def _lms_export(row: Bank, fmt: str) -> Response:
    """Moodle XML or a QTI package, with the bank's images; a fact bank exports a generated sample."""
    if row.is_factbank:
        questions = imported_from_generated(row.slug, generate_quiz(fact_bank(row), count=FACTBANK_EXPORT_COUNT,
                                                                    seed=EXPORT_SEED))
        files: dict[str, bytes] = {}
    else:
        questions = list(imported_questions(row))
        files = file_bytes(row.id, (f.sha256 for q in questions for f in q.files))
    try:
        if fmt == "xml":
            body: str | bytes = write_moodle_xml(questions, files)
            mimetype, name = "application/xml; charset=utf-8", f"{row.slug}.xml"
        else:
            body = write_qti_package(row.title, questions, files)
            mimetype, name = "application/zip", f"{row.slug}-qti.zip"
    except (MoodleXmlWriteError, QtiWriteError) as exc:
        abort(422, description=f"This bank cannot be exported that way: {exc}. Export it as JSON instead.")
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
