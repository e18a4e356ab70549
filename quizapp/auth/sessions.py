"""Server-side sessions: logging out, "log out everywhere" and a password change revoke cookies for real.

Flask's session is a signed cookie kept by the browser, so on its own "log out" only asks the browser
to forget it: a copied cookie (or the ``remember_token`` cookie) would still log in. Here every log-in
gets a random token stored (hashed) in ``user_sessions``; what Flask-Login keeps in the session and the
remember cookie is ``<user id>:<session version>:<token>`` (:meth:`User.get_id`). A cookie logs in only
while its token row exists and its version is the user's current one:

Flask-Login reads the id through :meth:`User.session_id` (``login_manager.id_attribute``), which opens
the session row, so whatever calls ``login_user`` gets a revocable session.

* log out deletes this session's row;
* "log out everywhere" and a password change bump ``users.session_version`` and delete every row.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import User, UserSession


def load_session_user(session_id: str) -> User | None:
    """The user a session or remember cookie names, if that session is still valid; else None."""
    user_id, _, rest = session_id.partition(":")
    version, _, token = rest.partition(":")
    if not (user_id.isdigit() and version.isdigit() and token):
        return None  # a cookie from before sessions were kept on the server: log in again
    row = db.session.execute(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(User.id == int(user_id), User.session_version == int(version),
               UserSession.token_hash == UserSession.hash(token))).scalar_one_or_none()
    if row is not None:
        row.session_token = token
    return row


def end_session(user: User) -> None:
    """Revoke this session only (the other devices stay logged in)."""
    if user.session_token:
        db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                     UserSession.token_hash == UserSession.hash(user.session_token)))
        db.session.commit()


def end_all_sessions(user: User) -> None:
    """Revoke every session and remember cookie of ``user``, this one included."""
    db.session.execute(update(User).where(User.id == user.id).values(session_version=User.session_version + 1))
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.commit()
    db.session.refresh(user)
    user.session_token = None
