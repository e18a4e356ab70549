"""Search: find a card or question by text across the banks the user can see."""

from flask import Blueprint

bp = Blueprint("search", __name__)

from . import routes  # noqa: E402,F401
