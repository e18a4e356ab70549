"""LTI 1.3 endpoints: JWKS, OIDC login, launch, deep linking; the platform registry and score status pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user
from pylti1p3.contrib.flask import FlaskRequest
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, LtiInvalidNonceException, OIDCException
from pylti1p3.lineitem import LineItem
from sqlalchemy import func, or_, select, update
from werkzeug.wrappers import Response

from ..extensions import csrf, db
from ..instructor.access import instructor_required
from ..instructor.codes import new_share_code
from ..models import Assignment, Bank, User, utcnow
from ..security import CSP
from . import tool
from .cli import COMMANDS
from .forms import DeepLinkForm, PlatformDeleteForm, PlatformForm, RetryForm, deployment_ids
from .models import LtiGradeTarget, LtiPlatform, LtiScore
from .service import (
    CUSTOM_ASSIGNMENT,
    LaunchProblem,
    context_for,
    is_context_instructor,
    platform_of,
    resource_launch,
    teaches,
    user_for,
)

bp = Blueprint("lti", __name__, url_prefix="/lti", cli_group=None)  # `quizapp worker`, not `quizapp lti worker`
DEEP_LINK_KEY = "lti_deep_link_launch"
for _command in COMMANDS:
    bp.cli.add_command(_command)


def lti_score_counts(assignment_id: int) -> dict[str, int]:
    """How many of an assignment's LMS scores are sent, waiting, or retrying after an error."""
    rows = db.session.execute(select(LtiScore.sent_at.is_not(None), LtiScore.last_error.is_not(None),
                                     func.count(LtiScore.id)).where(LtiScore.assignment_id == assignment_id)
                              .group_by(LtiScore.sent_at.is_not(None), LtiScore.last_error.is_not(None))).all()
    counts = {"sent": 0, "waiting": 0, "retrying": 0}
    for sent, errored, n in rows:
        counts["sent" if sent else "retrying" if errored else "waiting"] += n
    return counts


@bp.app_context_processor
def score_status() -> dict[str, Any]:
    """``lti_score_counts(id)`` for the instructor's assignment page."""
    return {"lti_score_counts": lti_score_counts}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _platform_origins(extra: str | None = None) -> list[str]:
    """Origins that may frame quizapp's LTI notice pages: the registered platforms', and ``extra``."""
    rows = db.session.execute(select(LtiPlatform.issuer, LtiPlatform.auth_login_url).filter_by(enabled=True)).all()
    origins = {_origin(url) for row in rows for url in row}
    if extra:
        origins.add(_origin(extra))
    return sorted(origin for origin in origins if origin)


def _csp(frame_ancestors: list[str] | None = None, form_action: str | None = None) -> str:
    """The app's CSP with framing allowed for the registered platforms, or a form posting to one."""
    policy = CSP
    if frame_ancestors:
        policy = policy.replace("frame-ancestors 'none'", "frame-ancestors " + " ".join(frame_ancestors))
    if form_action:
        policy = policy.replace("form-action 'self'", f"form-action 'self' {form_action}")
    return policy


def problem(title: str, message: str, status: int = 400, advice: str | None = None) -> tuple[str, int, dict[str, str]]:
    """A launch refused or impossible: what happened and what to do, framable by the platform that sent it."""
    return (render_template("lti/problem.html", title=title, message=message, advice=advice, code=status),
            status, {"Content-Security-Policy": _csp(_platform_origins())})


NO_TOKEN = ("This address is for LTI launches from a learning platform. The request carried no signed security "
            "token from a registered platform, so nothing was done.")


def _launch_problem(exc: Exception) -> tuple[str, int, dict[str, str]]:
    text = str(exc)
    if isinstance(exc, LtiInvalidNonceException):
        return problem("This launch was already used", "Each launch from the LMS can be used once, and this one "
                       "has been used (or has expired).", advice="Go back to the course in your LMS and open "
                       "the activity again.")
    if "expired" in text.lower():
        return problem("This launch has expired", "The LMS's launch message is valid for a few minutes only.",
                       advice="Go back to the course in your LMS and open the activity again.")
    if "Signature" in text or "decode" in text or "public key" in text.lower():
        return problem("The launch's signature is not valid", "The launch message was not signed by a key the "
                       "platform publishes at its registered keyset (JWKS) URL, so it was refused.",
                       advice="If you administer the LMS, check the keyset URL registered in quizapp.")
    if "State not found" in text or "Missing cookie" in text:
        return problem("Your browser did not keep the launch's cookie",
                       "quizapp sets a short-lived cookie at the start of a launch and needs it back at the end; "
                       "it did not come back, usually because the LMS shows quizapp inside a frame and the "
                       "browser blocks third-party cookies.",
                       advice="Open the activity again; if it still fails, ask the course's administrator to "
                       "set the tool to open in a new window.")
    if "Registration not found" in text or "Client id" in text or "registration" in text.lower():
        return problem("This platform is not registered", "quizapp has no platform registered with this issuer "
                       "and client ID (the launch's audience), so it cannot trust the launch.",
                       advice="A quizapp instructor registers the platform on the LTI platforms page.")
    if "deployment" in text.lower():
        return problem("Unknown deployment", f"{text} Add the deployment ID to the platform's registration in "
                       "quizapp.")
    if "id_token" in text or "state" in text.lower():
        return problem("Not an LTI launch", NO_TOKEN)
    return problem("The launch was refused", f"The LTI launch could not be validated: {text}",
                   advice="Go back to the course in your LMS and open the activity again.")


# --------------------------------------------------------------------------------------------- protocol


@bp.get("/jwks")
def jwks() -> Response:
    """The tool's public keys, for platforms to check what quizapp signs (deep links, token requests)."""
    response = jsonify(tool.tool_jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
def login() -> Any:
    """OIDC third-party initiated login: pylti1p3 checks the platform and redirects to its auth endpoint.

    Shown inside an LMS frame (``Sec-Fetch-Dest: iframe``) it first offers to open quizapp in a new
    window: quizapp's own pages refuse to be framed, and browsers drop its cookies there anyway.
    """
    if not request.values.get("iss"):
        return problem("Not an LTI launch", NO_TOKEN)
    if request.headers.get("Sec-Fetch-Dest") == "iframe" and not request.values.get("lti1p3_new_window"):
        params = {k: v for k, v in request.values.items() if k in (
            "iss", "login_hint", "target_link_uri", "lti_message_hint", "lti_deployment_id", "client_id")}
        # The page that framed this login (Canvas serves courses from the school's own domain, not the
        # issuer's): trusted when the login names a registered platform. The page holds one button, no data.
        known = tool.find_platform(request.values["iss"], request.values.get("client_id")) is not None
        framer = request.referrer if known else None
        return (render_template("lti/new_window.html", params={**params, "lti1p3_new_window": "1"}), 200,
                {"Content-Security-Policy": _csp(_platform_origins(framer))})
    try:
        return tool.oidc_login(FlaskRequest()).redirect(url_for("lti.launch", _external=True))
    except (OIDCException, LtiException) as exc:
        if "registration" in str(exc).lower():
            return problem("This platform is not registered",
                           f"quizapp has no platform registered with issuer {request.values.get('iss')!r}"
                           f" and client ID {request.values.get('client_id', '')!r}.",
                           advice="A quizapp instructor registers the platform on the LTI platforms page.")
        return problem("The login request was refused", f"{exc}.")


@bp.post("/launch")
@csrf.exempt
def launch() -> Any:
    """The platform posts the signed launch here (resource link or deep linking request)."""
    if not request.form.get("id_token"):
        return problem("Not an LTI launch", NO_TOKEN)
    try:
        message = tool.message_launch(FlaskRequest())  # raises already without the launch's session cookie
        claims = message.get_launch_data()
    except (LtiException, OIDCException) as exc:
        current_app.logger.info("LTI launch refused: %s", exc)
        return _launch_problem(exc)
    try:
        if message.is_deep_link_launch():
            if not is_context_instructor(claims):
                return problem("Only instructors add quizapp activities",
                               "The LMS says you are not an instructor in this course.", status=403)
            user = user_for(claims)
            context_for(platform_of(claims), claims, user)
            login_user(user)
            session[DEEP_LINK_KEY] = message.get_launch_id()
            return redirect(url_for("lti.deep_link"))
        if message.is_resource_launch():
            found = resource_launch(claims)
            login_user(found.user)
            if is_context_instructor(claims):
                return redirect(url_for("lti.assignment_scores", assignment_id=found.assignment.id))
            return redirect(url_for("instructor.assignment_landing", code=found.assignment.code))
    except LaunchProblem as exc:
        return problem("This activity cannot open", str(exc), status=409)
    return problem("Unsupported LTI message", "quizapp handles resource link launches and deep linking only.")


def _banks_for(user: User) -> list[Bank]:
    """Site banks and the instructor's own, as deep linking offers them."""
    return list(db.session.execute(select(Bank).where(
        Bank.enabled.is_(True), Bank.deleted_at.is_(None),
        or_(Bank.owner_id.is_(None), Bank.owner_id == user.id)).order_by(Bank.title)).scalars())


@bp.route("/deep-link", methods=["GET", "POST"])
@login_required
def deep_link() -> Any:
    """The instructor picks a bank and settings; quizapp creates the assignment and returns its link."""
    launch_id = session.get(DEEP_LINK_KEY)
    if not launch_id:
        return problem("No deep linking request", "Open this page from the LMS (\"Select content\" or \"Add "
                       "external tool\"); it picks a quizapp bank for a course.")
    try:
        message = tool.restored_launch(launch_id, FlaskRequest())
    except LtiException:
        session.pop(DEEP_LINK_KEY, None)
        return problem("The deep linking request expired", "It was made too long ago.",
                       advice="Start again from the LMS.")
    claims = message.get_launch_data()
    if not is_context_instructor(claims):
        return problem("Only instructors add quizapp activities", "The LMS says you are not an instructor in "
                       "this course.", status=403)
    banks = _banks_for(current_user)
    form = DeepLinkForm()
    form.bank.choices = [(b.slug, b.title) for b in banks]
    if form.validate_on_submit():
        bank = next(b for b in banks if b.slug == form.bank.data)
        assignment = Assignment(code=new_share_code(), title=form.title.data.strip(),
                                instructor_id=current_user.id, bank_id=bank.id, kinds=[], categories=[],
                                question_count=form.question_count.data, shuffle=True, feedback="immediate",
                                time_limit_minutes=form.time_limit_minutes.data,
                                attempts_allowed=form.attempts_allowed.data)
        db.session.add(assignment)
        db.session.commit()
        resource = (DeepLinkResource().set_url(url_for("lti.launch", _external=True)).set_title(assignment.title)
                    .set_custom_params({CUSTOM_ASSIGNMENT: assignment.code})
                    .set_lineitem(LineItem().set_label(assignment.title).set_resource_id(assignment.code)
                                  .set_score_maximum(assignment.question_count)))
        deep_link_service = message.get_deep_link()
        jwt_value = deep_link_service.get_response_jwt([resource])
        return_url = claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"][
            "deep_link_return_url"]
        session.pop(DEEP_LINK_KEY, None)
        return (render_template("lti/deep_link_return.html", return_url=return_url, jwt=jwt_value,
                                assignment=assignment), 200,
                {"Content-Security-Policy": _csp(form_action=_origin(return_url))})
    if request.method == "GET" and banks:
        form.title.data = banks[0].title
    return render_template("lti/deep_link.html", form=form, banks=banks,
                           course=(claims.get("https://purl.imsglobal.org/spec/lti/claim/context") or {})), \
        400 if request.method == "POST" else 200


# --------------------------------------------------------------------------------------------- instructor pages


@bp.route("/platforms", methods=["GET", "POST"])
@instructor_required
def platforms() -> Any:
    """Register a platform, and see the URLs and keys to give the platform's administrator."""
    form = PlatformForm()
    if form.validate_on_submit():
        issuer, client_id = form.issuer.data.strip(), form.client_id.data.strip()
        existing = db.session.execute(select(LtiPlatform).filter_by(issuer=issuer, client_id=client_id)
                                      ).scalar_one_or_none()
        if existing is not None and existing.enabled:
            form.client_id.errors = [f"A platform with issuer {issuer} and this client ID is already registered."]
        else:
            platform = existing or LtiPlatform(issuer=issuer, client_id=client_id)
            platform.name, platform.enabled = form.name.data.strip(), True
            platform.auth_login_url = form.auth_login_url.data.strip()
            platform.auth_token_url = form.auth_token_url.data.strip()
            platform.auth_audience = (form.auth_audience.data or "").strip() or None
            platform.key_set_url = form.key_set_url.data.strip()
            platform.deployment_ids = deployment_ids(form.deployment_ids.data)
            db.session.add(platform)
            db.session.commit()
            flash(f"Platform {form.name.data.strip()} registered. Launches from it are accepted now.", "success")
            return redirect(url_for("lti.platforms"))
    rows = db.session.execute(select(LtiPlatform).filter_by(enabled=True).order_by(LtiPlatform.name)).scalars().all()
    return render_template("lti/platforms.html", form=form, platforms=rows, remove=PlatformDeleteForm(),
                           key=tool.tool_key()), 400 if request.method == "POST" else 200


@bp.post("/platforms/remove")
@instructor_required
def remove_platform() -> Response:
    form = PlatformDeleteForm()
    if not form.validate_on_submit():
        abort(400, description="The form was not valid.")
    platform = db.session.get(LtiPlatform, int(form.platform_id.data)) if form.platform_id.data.isdigit() else None
    if platform is None:
        abort(404, description="There is no such platform.")
    platform.enabled = False  # its links and scores stay for the record; new launches are refused
    db.session.commit()
    flash(f"Platform {platform.name} removed: its launches are refused from now on.", "info")
    return redirect(url_for("lti.platforms"))


def _assignment_for_viewer(assignment_id: int) -> Assignment:
    item = db.session.get(Assignment, assignment_id)
    if item is None:
        abort(404, description="There is no such assignment.")
    if item.instructor_id != current_user.id and not teaches(current_user.id, item):
        abort(403, description="Only the assignment's instructors can see where its scores went.")
    return item


@bp.get("/assignments/<int:assignment_id>/scores")
@login_required
def assignment_scores(assignment_id: int) -> str:
    """Every score sent (or waiting) for the LMS gradebook, with the last error of those still retrying."""
    item = _assignment_for_viewer(assignment_id)
    rows = db.session.execute(select(LtiScore, User.display_name).select_from(LtiScore)
                              .join(LtiGradeTarget, LtiScore.grade_target_id == LtiGradeTarget.id)
                              .join(User, User.id == LtiGradeTarget.user_id)
                              .where(LtiScore.assignment_id == item.id).order_by(LtiScore.id.desc())).all()
    return render_template("lti/scores.html", assignment=item, rows=rows, retry=RetryForm(assignment_id=item.id),
                           now=utcnow())


@bp.post("/scores/retry")
@login_required
def retry_scores() -> Response:
    form = RetryForm()
    if not form.validate_on_submit() or not (form.assignment_id.data or "").isdigit():
        abort(400, description="The form was not valid.")
    item = _assignment_for_viewer(int(form.assignment_id.data))
    db.session.execute(update(LtiScore).where(LtiScore.assignment_id == item.id, LtiScore.sent_at.is_(None))
                       .values(next_attempt_at=utcnow()))
    db.session.commit()
    flash("The waiting scores will be sent on the worker's next round.", "info")
    return redirect(url_for("lti.assignment_scores", assignment_id=item.id))
