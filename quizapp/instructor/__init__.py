"""Instructors: load and manage question banks, set assignments, read results and item analysis."""

from flask import Blueprint

bp = Blueprint("instructor", __name__)

from . import assignments, banks, users  # noqa: E402,F401
