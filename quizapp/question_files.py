"""Images embedded in imported banks (Moodle XML ``<file>``): stored per bank, served to whoever may see its questions.

Files are content-addressed: a bank holds each image once, keyed by its SHA-256, and a new bank
version adds the images it brings without removing the old ones, so attempts made on an earlier
version still show theirs.  ``/question-files/<sha256>/<name>`` serves an image to an instructor who
may view a bank that holds it (their own, a site bank or a shared one), or to anyone (learner,
instructor or guest) with an attempt on such a bank,
with the content type found when it was imported (only PNG, JPEG, GIF and WebP are ever stored).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, g, url_for
from flask_login import current_user
from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint, exists, or_, select
from sqlalchemy.orm import Mapped, defer, mapped_column
from werkzeug.wrappers import Response

from .core.bank_check import BankCheck
from .core.embedded_files import resolve_links
from .core.imported import EmbeddedFile
from .extensions import db
from .models import SHARED, Bank, BankUpload, Model, QuizAttempt, utcnow
from .owner import current_owner


def instructor_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """quizapp.instructor.access.instructor_required, imported late: that package imports this module."""
    from .instructor.access import instructor_required as required

    return required(view)

bp = Blueprint("question_files", __name__)


class QuestionFile(Model):
    """One image of a bank, by content."""

    __tablename__ = "question_files"
    __table_args__ = (UniqueConstraint("bank_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def _content_types(check: BankCheck) -> dict[str, str]:
    return {f.sha256: f.content_type for q in check.questions for f in q.files}


def store_question_files(row: Bank, check: BankCheck) -> int:
    """Add the images of ``check`` (of the bank's current text) that the bank does not hold yet (in the caller's
    transaction)."""
    if not check.files:
        return 0
    db.session.flush()  # a new bank needs its id
    types = _content_types(check)
    held = set(db.session.execute(select(QuestionFile.sha256).filter_by(bank_id=row.id)).scalars())
    added = 0
    for digest, data in check.files.items():
        if digest not in held and digest in types:
            db.session.add(QuestionFile(bank_id=row.id, sha256=digest, content_type=types[digest], size=len(data),
                                        data=data))
            added += 1
    return added


def file_bytes(bank_id: int, digests: Iterable[str]) -> dict[str, bytes]:
    """The stored images of a bank among ``digests``, by sha256 (for exports)."""
    wanted = set(digests)
    if not wanted:
        return {}
    rows = db.session.execute(select(QuestionFile.sha256, QuestionFile.data).where(
        QuestionFile.bank_id == bank_id, QuestionFile.sha256.in_(wanted))).all()
    return {digest: data for digest, data in rows}


def file_url(file: EmbeddedFile) -> str:
    upload_id = g.get("previewed_upload")  # an upload's preview: its images are not stored yet
    if upload_id is not None:
        return url_for("instructor.question_files.pending", upload_id=upload_id, sha256=file.sha256, name=file.name)
    return url_for("instructor.question_files.serve", sha256=file.sha256, name=file.name)


@bp.app_template_filter("with_files")
def with_files(text: str, question: Any, area: str | None = None) -> str:
    """``text`` with its ``@@PLUGINFILE@@/name`` links pointing at the served images of ``question``."""
    files = getattr(question, "files", ())
    return resolve_links(text, files, file_url, area) if files and text else text


def _may_see(bank_ids: list[int]) -> bool:
    if current_user.is_authenticated and current_user.is_instructor:
        # The instructor may view the bank: their own, a site bank, or one shared among instructors.
        viewable = or_(Bank.owner_id == current_user.id, Bank.owner_id.is_(None), Bank.visibility == SHARED)
        if db.session.execute(select(exists().where(Bank.id.in_(bank_ids), Bank.deleted_at.is_(None), viewable)))\
                .scalar():
            return True
    owner = current_owner()
    return bool(db.session.execute(select(exists().where(QuizAttempt.bank_id.in_(bank_ids),
                                                         owner.filter(QuizAttempt)))).scalar())


def _image(data: bytes, content_type: str) -> Response:
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.get("/instructor/uploads/<int:upload_id>/files/<sha256>/<path:name>")
@instructor_required
def pending(upload_id: int, sha256: str, name: str) -> Response:
    """An image of an upload waiting for its instructor's confirmation (for the preview)."""
    from .instructor.upload_preview import checked_upload

    # Its text (up to 32 MB) is read only if this process has not checked the upload yet: the preview's
    # check, kept for its pages, holds the images too.
    upload = db.session.get(BankUpload, upload_id, options=[defer(BankUpload.text)])
    if upload is None or not current_user.is_authenticated or upload.owner_id != current_user.id:
        abort(404, description="There is no such upload waiting for you.")
    check = checked_upload(upload) if upload.format == "moodlexml" else None
    data = check.files.get(sha256) if check else None
    if check is None or data is None:
        abort(404, description="There is no such image in this upload.")
    return _image(data, _content_types(check)[sha256])


@bp.get("/question-files/<sha256>/<path:name>")
def serve(sha256: str, name: str) -> Response:
    """An embedded image, if the visitor may see a bank that holds it (else 404, revealing nothing)."""
    rows = db.session.execute(select(QuestionFile.bank_id, QuestionFile.content_type).filter_by(sha256=sha256)).all()
    if not rows or not _may_see([bank_id for bank_id, _ in rows]):
        abort(404, description="There is no such image, or it belongs to questions you cannot see.")
    data = db.session.execute(select(QuestionFile.data).filter_by(sha256=sha256).limit(1)).scalar_one()
    return _image(data, rows[0][1])
