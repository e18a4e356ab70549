"""LTI fixtures: a running test LMS (lti1p3platform) registered in quizapp, and helpers to launch from it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import AuthActions
from tests.lti.platform import LEARNER, TestPlatform, running_platform

JWT_RE = re.compile(r'name="JWT" value="([^"]+)"')
RETURN_RE = re.compile(r'<form method="post" action="([^"]+)" data-lti-return>')


def make_instructor(app: Flask, username: str = "admin") -> FlaskClient:
    from quizapp.extensions import db
    from quizapp.models import User

    client = app.test_client()
    AuthActions(client).register(username)
    with app.app_context():
        user = db.session.query(User).filter_by(username=username).one()
        user.is_instructor = True
        db.session.commit()
    return client


@pytest.fixture
def platform() -> Iterator[TestPlatform]:
    with running_platform() as lms:
        yield lms


@pytest.fixture
def registered(app: Flask, platform: TestPlatform) -> TestPlatform:
    """The platform registered through quizapp's registration page, and quizapp's JWKS given to the platform."""
    return register(app, platform)


def register(app: Flask, platform: TestPlatform) -> TestPlatform:
    admin = make_instructor(app)
    response = admin.post("/lti/platforms", data=platform.registration_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    platform.trust_tool_keys(admin.get("/lti/jwks").get_json())
    return platform


@dataclass
class Launched:
    response: TestResponse
    form: dict[str, str]


def launch(client: FlaskClient, platform: TestPlatform, *, user: str, roles: list[str] | None = None,
           hint: str = "resource", **claims: Any) -> Launched:
    """A whole launch as a browser makes it: platform -> /lti/login -> platform auth -> POST /lti/launch."""
    login = client.get(platform.login_initiation(hint, user), base_url=platform.tool)
    assert login.status_code == 302, login.get_data(as_text=True)
    form = platform.authenticate(login.location, user=user, roles=roles or [LEARNER], **claims)
    return Launched(client.post("/lti/launch", data=form, base_url=platform.tool), form)


def deep_link_response(page: str) -> tuple[str, str]:
    """The deep linking return form's action (the platform's URL) and JWT."""
    action, jwt_value = RETURN_RE.search(page), JWT_RE.search(page)
    assert action and jwt_value, page
    return action.group(1), jwt_value.group(1)
