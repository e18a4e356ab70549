"""Error pages: a clear message and the right status, never a stack trace."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .database import is_locked_error, is_read_only_error
from .extensions import db


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_template("error.html", code=400, title="Form expired or tampered",
                               message="The form's security token was missing or invalid. "
                                       "Go back, reload the page and try again."), 400

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
        limit = (app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
        return render_template("error.html", code=413, title="File too large",
                               message=f"The upload is larger than the {limit} MB limit. Split the bank into "
                                       "smaller files and upload them one by one."), 413

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        return render_template("error.html", code=code, title=error.name, message=error.description), code

    @app.errorhandler(DBAPIError)
    def database_unavailable(error: DBAPIError) -> tuple[str, int, dict[str, str]] | tuple[str, int]:
        db.session.rollback()
        if is_locked_error(error):
            app.logger.warning("SQLite stayed locked past the busy timeout: %s", error)
            return render_template("error.html", code=503, title="Busy, please retry",
                                   message="The server is very busy right now. Nothing was saved; please "
                                           "try again in a moment."), 503, {"Retry-After": "2"}
        if is_read_only_error(error):
            app.logger.error("A write was refused: the database is read-only: %s", error)
            return render_template("error.html", code=503, title="Read-only for now",
                                   message="The database is read-only right now (maintenance, or a disk "
                                           "problem on the server). Nothing was saved. You can still read "
                                           "pages; please try again later."), 503, {"Retry-After": "60"}
        return server_error(error)

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return render_template("error.html", code=500, title="Something went wrong",
                               message="The error has been logged. Please try again."), 500
