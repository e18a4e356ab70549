"""Database tables: users, banks, quiz attempts, their stored questions and answers."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from .core.imported import ImportedQuestion
from .core.imported_quiz import is_imported, question_of
from .core.questions import Question
from .extensions import db

if TYPE_CHECKING:  # mypy cannot see through Flask-SQLAlchemy's generated db.Model; it is a subclass of Base
    from .extensions import Base as Model
else:
    Model = db.Model


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def normalise_username(name: str) -> str:
    """A username as compared for uniqueness and log-in: NFKC-normalised and case-folded ("Ada" = "ADA")."""
    return unicodedata.normalize("NFKC", name).casefold()[:64]


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not-a-real-password")


def check_dummy_password(password: str) -> bool:
    """Hash ``password`` against a dummy hash, so a log-in for an unknown user costs what a real one does."""
    check_password_hash(_dummy_hash(), password)
    return False


class User(UserMixin, Model):
    __tablename__ = "users"
    # The unique index on the normalised name is what refuses "racea" beside "RACEA" (and two racing
    # registrations). An index, not a constraint, so SQLite adds it without rebuilding the table.
    __table_args__ = (Index("ix_users_username_key", "username_key", unique=True),)
    __allow_unmapped__ = True  # for ``session_token``, a plain attribute

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    username_key: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    is_instructor: Mapped[bool] = mapped_column(default=False)
    on_leaderboard: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Flashcard settings (Anki's defaults).
    new_per_day: Mapped[int] = mapped_column(default=20, server_default="20")
    reviews_per_day: Mapped[int] = mapped_column(default=200, server_default="200")
    rollover_hour: Mapped[int] = mapped_column(default=4, server_default="4")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    learning_steps: Mapped[str] = mapped_column(String(64), default="1m 10m", server_default="1m 10m")
    relearning_steps: Mapped[str] = mapped_column(String(64), default="10m", server_default="10m")
    # Bumped by "log out everywhere" and a password change: every session and remember cookie carries
    # the version it was made under, and one made under an older version no longer logs in.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    desired_retention: Mapped[float] = mapped_column(default=0.9, server_default="0.9")  # FSRS, 0.70-0.97

    # The session this user object was loaded for (see quizapp.auth.sessions); not a column.
    session_token: str | None = None

    @validates("username")
    def _set_username_key(self, _key: str, name: str) -> str:
        self.username_key = normalise_username(name)
        return name

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)  # scrypt, werkzeug's default KDF

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: id, session version and token."""
        return f"{self.id}:{self.session_version}:{self.session_token or ''}"

    def session_id(self) -> str:
        """:meth:`get_id` for a new log-in (Flask-Login's ``id_attribute``, see quizapp.auth.sessions).

        Opens the server-side session first when this object has none, so every ``login_user`` call
        (the log-in form, registration, an LTI launch) gets one that logging out can revoke.
        """
        if not self.session_token:
            token = secrets.token_urlsafe(32)
            db.session.add(UserSession(user_id=self.id, token_hash=UserSession.hash(token)))
            db.session.commit()
            self.session_token = token
        return self.get_id()


PRIVATE, SHARED = "private", "shared"
VISIBILITIES = {PRIVATE: "Private: only I can see, export and assign it",
                SHARED: "Shared: every instructor can see, export and assign it"}


class Bank(Model):
    """A loaded question bank; its source text is kept so the app never needs the file again.

    ``format`` is "factbank" (questions are generated) or "gift", "aiken", "csv", "moodlexml" (questions as
    written, also one row each per version: quizapp.bank_questions).
    A deleted bank keeps its row (``deleted_at``) so past attempts and reports stay readable.
    """

    __tablename__ = "banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # Deferred: pages read banks on every request; fact banks are parsed once per process, imported ones are rows.
    source_text: Mapped[str] = mapped_column(Text, deferred=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(default=True)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    format: Mapped[str] = mapped_column(String(16), default="factbank", server_default="factbank")
    filename: Mapped[str] = mapped_column(String(200), default="", server_default="")
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    deleted_at: Mapped[datetime | None]
    # Among instructors: "private" (its owner only) or "shared" (every instructor may view, export and
    # assign it). Site banks (no owner) are always shared. See quizapp.instructor.access.
    visibility: Mapped[str] = mapped_column(String(16), default=PRIVATE, server_default=PRIVATE)

    owner: Mapped[User | None] = relationship()

    @property
    def is_factbank(self) -> bool:
        return self.format == "factbank"

    @property
    def is_site_bank(self) -> bool:
        return self.owner_id is None

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None or self.visibility == SHARED


class BankVersion(Model):
    """Every earlier text of a bank, kept when a new version is loaded."""

    __tablename__ = "bank_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), index=True)
    version: Mapped[int]
    source_text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime]


class BankUpload(Model):
    """An uploaded file waiting for its instructor to confirm the import after the preview."""

    __tablename__ = "bank_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(16))
    slug: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    visibility: Mapped[str] = mapped_column(String(16), default=PRIVATE, server_default=PRIVATE)


class Assignment(Model):
    """A quiz an instructor sets from a bank, taken through a share code under fixed settings."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    instructor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), index=True)
    kinds: Mapped[list[str]] = mapped_column(JSON)
    categories: Mapped[list[str]] = mapped_column(JSON)
    question_count: Mapped[int]
    shuffle: Mapped[bool] = mapped_column(default=True)
    feedback: Mapped[str] = mapped_column(String(16))  # "immediate" or "after_close"
    time_limit_minutes: Mapped[int | None]
    attempts_allowed: Mapped[int] = mapped_column(default=0)  # 0 = unlimited
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]  # deleted by its instructor: hidden, its attempts kept

    bank: Mapped[Bank] = relationship()
    instructor: Mapped[User] = relationship()

    def is_open(self, now: datetime) -> bool:
        return (self.opens_at is None or now >= self.opens_at) and (self.closes_at is None or now < self.closes_at)


class QuizAttempt(Model):
    """One run through a quiz, by a user or a guest (identified by a token in their session)."""

    __tablename__ = "quiz_attempts"
    # The attempts limit is held here, not only in Python: two concurrent starts cannot both be attempt 1.
    __table_args__ = (Index("ix_quiz_attempts_assignment_user_number", "assignment_id", "user_id", "attempt_number",
                            unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    guest_token: Mapped[str | None] = mapped_column(String(64), index=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), index=True)
    seed: Mapped[int]
    kinds: Mapped[list[str]] = mapped_column(JSON)
    category: Mapped[str | None] = mapped_column(String(64))
    feedback: Mapped[str] = mapped_column(String(16))  # "immediate" or "end"
    question_count: Mapped[int]
    score: Mapped[float] = mapped_column(default=0.0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), index=True)
    deadline: Mapped[datetime | None]  # when a time limit ends the attempt (enforced on the server)
    attempt_number: Mapped[int | None]  # 1, 2, ... per learner in an assignment; None outside assignments
    purpose: Mapped[str] = mapped_column(String(16), default="quiz", server_default="quiz")  # quiz, practise, retry

    bank: Mapped[Bank] = relationship()
    user: Mapped[User | None] = relationship()
    assignment: Mapped[Assignment | None] = relationship()
    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position", cascade="all, delete-orphan")

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.question_count if self.question_count else 0.0

    @property
    def seconds_taken(self) -> int | None:
        if self.finished_at is None:
            return None
        return int((self.finished_at - self.started_at).total_seconds())

    @property
    def title(self) -> str:
        """The assignment's title, or outside an assignment the bank's: what the quiz's pages call it."""
        return self.assignment.title if self.assignment is not None else self.bank.title

    @property
    def closes_at(self) -> datetime | None:
        """When the attempt's assignment closes, if it is in one that does."""
        return self.assignment.closes_at if self.assignment_id is not None and self.assignment else None


class AttemptQuestion(Model):
    """A question as it was generated when the attempt started, key included (never sent before answering)."""

    __tablename__ = "attempt_questions"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    flagged: Mapped[bool] = mapped_column(default=False, server_default=false())  # "flag for review"

    attempt: Mapped[QuizAttempt] = relationship(back_populates="questions")
    # Joined: every page that lists an attempt's questions (strip, summary, results) needs each one's answer,
    # and one LEFT JOIN is far cheaper than a lazy load per question.
    answer: Mapped[Answer | None] = relationship(back_populates="question", uselist=False, lazy="joined")

    @property
    def is_imported(self) -> bool:
        return is_imported(self.data)

    @property
    def question(self) -> Question | ImportedQuestion:
        return question_of(self.data)


class Answer(Model):
    """At most one answer per question: the unique key makes a replayed answer fail, not count twice."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_question_id: Mapped[int] = mapped_column(ForeignKey("attempt_questions.id"), unique=True)
    response: Mapped[Any] = mapped_column(JSON)
    score: Mapped[float]
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[AttemptQuestion] = relationship(back_populates="answer")
    essay_grade: Mapped[EssayGrade | None] = relationship(back_populates="answer", uselist=False)


class EssayGrade(Model):
    """An instructor's mark (0..max_mark, the question's default grade) and comment on an essay answer.

    The answer's score becomes mark / max_mark when it is saved; the learner sees both at once
    (marks are released when graded). No row means the essay is awaiting grading.
    """

    __tablename__ = "essay_grades"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id"), unique=True)
    mark: Mapped[float]
    max_mark: Mapped[float]
    comment: Mapped[str] = mapped_column(Text, default="")
    grader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime] = mapped_column(default=utcnow)

    answer: Mapped[Answer] = relationship(back_populates="essay_grade")
    grader: Mapped[User | None] = relationship()


class CardState(Model):
    """A learner's FSRS schedule for one flashcard. Times are naive UTC; no row means the card is new."""

    __tablename__ = "card_states"
    __table_args__ = (
        UniqueConstraint("user_id", "card_id"),
        UniqueConstraint("guest_token", "card_id"),
        Index("ix_card_states_user_due", "user_id", "due"),
        Index("ix_card_states_guest_due", "guest_token", "due"),
        # The review queue reads one learner's states in one deck (benchmarks/scaling.py found the bank_id
        # index alone made it scan every learner's cards).
        Index("ix_card_states_user_bank", "user_id", "bank_id"),
        Index("ix_card_states_guest_bank", "guest_token", "bank_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    guest_token: Mapped[str | None] = mapped_column(String(64))
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    card_id: Mapped[str] = mapped_column(String(80))
    state: Mapped[int]
    step: Mapped[int | None]
    stability: Mapped[float | None]
    difficulty: Mapped[float | None]
    due: Mapped[datetime]
    last_review: Mapped[datetime | None]
    reps: Mapped[int] = mapped_column(default=0)
    lapses: Mapped[int] = mapped_column(default=0)


class ReviewLog(Model):
    """Every rating, kept for FSRS parameter optimisation; undo deletes the newest one."""

    __tablename__ = "review_logs"
    __table_args__ = (
        Index("ix_review_logs_user_time", "user_id", "reviewed_at"),
        Index("ix_review_logs_guest_time", "guest_token", "reviewed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    guest_token: Mapped[str | None] = mapped_column(String(64))
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    card_id: Mapped[str] = mapped_column(String(80), index=True)
    rating: Mapped[int]
    reviewed_at: Mapped[datetime]
    duration_ms: Mapped[int | None]
    state_before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    state_after: Mapped[dict[str, Any]] = mapped_column(JSON)


class UserSession(Model):
    """A logged-in session (or remember cookie); logging out deletes it, so a copied cookie stops working.

    Only a hash of the token is stored: the table leaking does not hand out sessions.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class LoginFailure(Model):
    """A failed log-in (or one whose password is being checked), counted per account and address pair and
    per address to throttle password guessing (quizapp.security)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_user_time", "username", "at"),
                      Index("ix_login_failures_address_time", "address", "at"),
                      Index("ix_login_failures_user_address_time", "username", "address", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
