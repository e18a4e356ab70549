"""LTI 1.3 tables: registered platforms, the tool's key pair, who launched from where, and the score outbox."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Assignment, User, utcnow

if TYPE_CHECKING:  # mypy cannot see through Flask-SQLAlchemy's generated db.Model; it is a subclass of Base
    from ..extensions import Base as Model
else:
    Model = db.Model

URL_LENGTH = 1000
ID_LENGTH = 255  # LTI ids (sub, context and resource link ids) are opaque strings up to 255 characters


class LtiPlatform(Model):
    """A learning platform (Moodle, Canvas, ...) registered by an admin: what pylti1p3 needs to trust it."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(ID_LENGTH))
    client_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    auth_login_url: Mapped[str] = mapped_column(String(URL_LENGTH))
    auth_token_url: Mapped[str] = mapped_column(String(URL_LENGTH))
    auth_audience: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    key_set_url: Mapped[str] = mapped_column(String(URL_LENGTH))
    deployment_ids: Mapped[list[str]] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(default=True)  # a removed platform keeps its row for the records
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiToolKey(Model):
    """The tool's own RSA key pair; the public half is published at /lti/jwks, the newest one signs."""

    __tablename__ = "lti_tool_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiUser(Model):
    """A platform's user (``sub`` under an ``iss``) and the quizapp account made for them."""

    __tablename__ = "lti_users"
    __table_args__ = (UniqueConstraint("issuer", "sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(ID_LENGTH))
    sub: Mapped[str] = mapped_column(String(ID_LENGTH))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class LtiContext(Model):
    """A course (LTI context) on a platform."""

    __tablename__ = "lti_contexts"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id"), index=True)
    context_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    title: Mapped[str] = mapped_column(String(200), default="")

    platform: Mapped[LtiPlatform] = relationship()


class LtiContextInstructor(Model):
    """The LMS said this user is an Instructor in this course: they manage its quizapp assignments, nothing else."""

    __tablename__ = "lti_context_instructors"
    __table_args__ = (UniqueConstraint("context_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_contexts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)


class LtiResourceLink(Model):
    """A placement of a quizapp assignment in a course, with the line item its scores go to."""

    __tablename__ = "lti_resource_links"
    __table_args__ = (UniqueConstraint("platform_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id"), index=True)
    context_id: Mapped[int | None] = mapped_column(ForeignKey("lti_contexts.id"), index=True)
    resource_link_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    lineitem_url: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    ags_scopes: Mapped[list[str]] = mapped_column(JSON, default=list)

    platform: Mapped[LtiPlatform] = relationship()
    context: Mapped[LtiContext | None] = relationship()
    assignment: Mapped[Assignment] = relationship()


class LtiGradeTarget(Model):
    """This user launched this resource link: their finished attempts of its assignment are scored there."""

    __tablename__ = "lti_grade_targets"
    __table_args__ = (UniqueConstraint("resource_link_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_link_id: Mapped[int] = mapped_column(ForeignKey("lti_resource_links.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sub: Mapped[str] = mapped_column(String(ID_LENGTH))

    resource_link: Mapped[LtiResourceLink] = relationship()


class LtiScore(Model):
    """A score to send to a line item (the outbox), written in the same transaction as the submission.

    ``timestamp`` is fixed when the row is written, so every re-send is the same AGS score message and
    the platform treats it as a repeat, not a new result. Workers claim rows by setting ``lease_until``.
    """

    __tablename__ = "lti_scores"
    __table_args__ = (Index("ix_lti_scores_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id"), index=True)
    grade_target_id: Mapped[int] = mapped_column(ForeignKey("lti_grade_targets.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    score_given: Mapped[float]
    score_maximum: Mapped[float]
    activity_progress: Mapped[str] = mapped_column(String(32))
    grading_progress: Mapped[str] = mapped_column(String(32))
    timestamp: Mapped[str] = mapped_column(String(40))  # ISO 8601 with microseconds and offset, as sent
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    tries: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None]
    lease_token: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]

    grade_target: Mapped[LtiGradeTarget] = relationship()

    @property
    def status(self) -> str:
        if self.sent_at is not None:
            return "sent"
        return "retrying" if self.last_error else "waiting"


class LtiLaunchValue(Model):
    """pylti1p3's launch data (nonces, states, launch claims), kept in the database so every host sees it."""

    __tablename__ = "lti_launch_values"

    key: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(index=True)
