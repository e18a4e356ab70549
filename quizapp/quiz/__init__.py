"""Taking quizzes in the browser."""

from flask import Blueprint

bp = Blueprint("quiz", __name__, url_prefix="/quiz")

from . import routes  # noqa: E402,F401  (registers the views on bp)
