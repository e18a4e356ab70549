"""Accounts: register, log in, log out, profile, download my data, delete my account."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from . import account_routes, routes  # noqa: E402,F401
