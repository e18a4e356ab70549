"""Instructors: load and manage question banks, set assignments, read results and item analysis."""

from flask import Blueprint

bp = Blueprint("instructor", __name__)

# Embedded question images are served beside the banks they belong to (to learners as well: this blueprint
# has no URL prefix, so the route stays /question-files/...).
from ..question_files import bp as question_files_bp  # noqa: E402
from . import assignment_manage, assignments, banks, grading, users  # noqa: E402,F401

bp.register_blueprint(question_files_bp)
