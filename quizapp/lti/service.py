"""What a validated LTI launch means in quizapp: who the user is, which course, which assignment.

The launch itself is checked by pylti1p3 before anything here runs; these functions read its claims.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Assignment, User
from .models import (
    LtiContext,
    LtiContextInstructor,
    LtiGradeTarget,
    LtiPlatform,
    LtiResourceLink,
    LtiUser,
)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
CONTEXT_INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
CUSTOM_ASSIGNMENT = "quizapp_assignment"  # the custom parameter a deep-linked resource link carries
MAX_NAME = 64


class LaunchProblem(Exception):
    """A launch that validated but that quizapp cannot serve; the message says what to do."""


def is_context_instructor(claims: Mapping[str, Any]) -> bool:
    """True for the LIS context role Instructor (or one of its sub-roles) in this launch's course.

    Institution or system roles (Canvas sends "Instructor" at institution level to every teacher)
    do not count: quizapp rights follow the course role only.
    """
    for role in claims.get(CLAIM + "roles", []) or []:
        if role in (CONTEXT_INSTRUCTOR, "Instructor") or role.startswith(
                "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#"):
            return True
    return False


def platform_of(claims: Mapping[str, Any]) -> LtiPlatform:
    aud = claims.get("aud")
    client_id = aud[0] if isinstance(aud, list) else aud
    platform = db.session.execute(select(LtiPlatform).filter_by(issuer=claims["iss"], client_id=client_id, enabled=True)
                                  ).scalar_one_or_none()
    if platform is None:  # pylti1p3 found it a moment ago; only a concurrent delete gets here
        raise LaunchProblem("This platform is no longer registered with quizapp.")
    return platform


def _display_name(claims: Mapping[str, Any]) -> str:
    name = (claims.get("name") or " ".join(filter(None, [claims.get("given_name"), claims.get("family_name")]))
            or claims.get("preferred_username") or "LMS user")
    return str(name).strip()[:MAX_NAME] or "LMS user"


def user_for(claims: Mapping[str, Any]) -> User:
    """The quizapp account of the platform user ``sub`` of ``iss``, created on their first launch.

    The account has no usable password: it is reached only through launches from that platform. Its
    name follows the latest launch's ``name`` claim.
    """
    issuer, sub = str(claims["iss"]), str(claims.get("sub") or "")
    if not sub:
        raise LaunchProblem("The platform sent an anonymous launch (no user id); quizapp needs a signed-in user.")
    link = db.session.execute(select(LtiUser).filter_by(issuer=issuer, sub=sub)).scalar_one_or_none()
    name = _display_name(claims)
    if link is not None:
        link.user.display_name = name
        db.session.commit()
        return link.user
    digest = hashlib.sha256(f"{issuer}\n{sub}".encode()).hexdigest()[:20]
    user = User(username=f"lti-{digest}", display_name=name, is_instructor=False, on_leaderboard=False)
    user.set_password(secrets.token_urlsafe(32))  # never told to anyone: no password log-in
    db.session.add(user)
    db.session.flush()
    db.session.add(LtiUser(issuer=issuer, sub=sub, user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:  # the same user's first launch in two tabs at once
        db.session.rollback()
        return db.session.execute(select(LtiUser).filter_by(issuer=issuer, sub=sub)).scalar_one().user
    return user


def context_for(platform: LtiPlatform, claims: Mapping[str, Any], user: User) -> LtiContext | None:
    """The launch's course, recording the user as its instructor when the LMS says so (and only then)."""
    claim = claims.get(CLAIM + "context") or {}
    if not claim.get("id"):
        return None
    context = db.session.execute(select(LtiContext).filter_by(platform_id=platform.id, context_id=str(claim["id"]))
                                 ).scalar_one_or_none()
    if context is None:
        context = LtiContext(platform_id=platform.id, context_id=str(claim["id"]))
        db.session.add(context)
    context.title = str(claim.get("title") or claim.get("label") or "")[:200]
    db.session.flush()
    membership = db.session.execute(select(LtiContextInstructor).filter_by(context_id=context.id, user_id=user.id)
                                    ).scalar_one_or_none()
    if is_context_instructor(claims) and membership is None:
        db.session.add(LtiContextInstructor(context_id=context.id, user_id=user.id))
    elif not is_context_instructor(claims) and membership is not None:
        db.session.delete(membership)  # the LMS role changed: the rights go with it
    db.session.commit()
    return context


def teaches(user_id: int, assignment: Assignment) -> bool:
    """Whether a user is an LMS instructor of a course this assignment is placed in."""
    found = db.session.execute(
        select(LtiContextInstructor.id).join(LtiResourceLink, LtiResourceLink.context_id
                                             == LtiContextInstructor.context_id)
        .where(LtiResourceLink.assignment_id == assignment.id, LtiContextInstructor.user_id == user_id).limit(1))
    return found.first() is not None


@dataclass(frozen=True)
class ResourceLaunch:
    user: User
    assignment: Assignment
    link: LtiResourceLink


def resource_launch(claims: Mapping[str, Any], retry: bool = True) -> ResourceLaunch:
    """Record a resource link launch: the user, the course, the link's assignment and where its scores go."""
    platform = platform_of(claims)
    user = user_for(claims)
    context = context_for(platform, claims, user)
    link_id = str((claims.get(CLAIM + "resource_link") or {}).get("id") or "")
    link = db.session.execute(select(LtiResourceLink).filter_by(platform_id=platform.id, resource_link_id=link_id)
                              ).scalar_one_or_none()
    if link is None:
        code = str((claims.get(CLAIM + "custom") or {}).get(CUSTOM_ASSIGNMENT) or "")
        assignment = db.session.execute(select(Assignment).filter_by(code=code)).scalar_one_or_none() if code \
            else None
        if assignment is None:
            raise LaunchProblem("This link is not connected to a quizapp assignment yet. An instructor adds it "
                                "from the LMS with \"Select content\" (deep linking), which picks the question "
                                "bank and settings.")
        link = LtiResourceLink(platform_id=platform.id, resource_link_id=link_id, assignment_id=assignment.id,
                               context_id=context.id if context else None)
        db.session.add(link)
    ags = claims.get(AGS_CLAIM) or {}
    if ags.get("lineitem"):
        link.lineitem_url = str(ags["lineitem"])
        link.ags_scopes = [str(s) for s in ags.get("scope") or []]
    if context is not None and link.context_id is None:
        link.context_id = context.id
    db.session.flush()
    sub = str(claims["sub"])
    target = db.session.execute(select(LtiGradeTarget).filter_by(resource_link_id=link.id, user_id=user.id)
                                ).scalar_one_or_none()
    if target is None:
        db.session.add(LtiGradeTarget(resource_link_id=link.id, user_id=user.id, sub=sub))
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent first launch of the same link recorded it first: read theirs
        db.session.rollback()
        if not retry:
            raise
        return resource_launch(claims, retry=False)
    if link.assignment.deleted_at is not None:
        raise LaunchProblem("This assignment was deleted by its instructor in quizapp. Ask them to add a new "
                            "one from the LMS with \"Select content\".")
    return ResourceLaunch(user, link.assignment, link)
