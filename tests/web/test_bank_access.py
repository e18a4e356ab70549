"""Issue 9, points 7 and 8: nobody takes over a site bank or another instructor's bank, and a bank is
private (its owner only) or shared (every instructor), enforced on every bank route and export."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Bank, BankUpload, User
from tests.web.test_instructor import AIKEN, import_bank, make_instructor, upload

SITE_SLUG = "sql-vs-nosql"


@pytest.fixture
def teacher(app: Flask) -> FlaskClient:
    client = app.test_client()
    make_instructor(app, client, "teach")
    return client


@pytest.fixture
def other(app: Flask) -> FlaskClient:
    client = app.test_client()
    make_instructor(app, client, "other")
    return client


def _bank(app: Flask, slug: str) -> tuple[int | None, int, str, str]:
    with app.app_context():
        row = db.session.execute(select(Bank).filter_by(slug=slug)).scalar_one()
        return row.owner_id, row.version, row.format, row.content_hash


def _pending_upload(app: Flask, username: str, slug: str) -> int:
    """An upload waiting for confirmation, as if the slug was free when it was checked (a race)."""
    with app.app_context():
        owner = db.session.execute(select(User.id).filter_by(username=username)).scalar_one()
        pending = BankUpload(owner_id=owner, filename="x.txt", format="aiken", slug=slug, title="X", text=AIKEN)
        db.session.add(pending)
        db.session.commit()
        return pending.id


def test_an_instructor_cannot_take_over_a_site_bank(app: Flask, teacher: FlaskClient):
    before = _bank(app, SITE_SLUG)
    refused = upload(teacher, AIKEN, "mine.txt", slug=SITE_SLUG)
    assert refused.status_code == 400
    assert "site bank" in refused.get_data(as_text=True)
    # The confirm step checks again (the slug may have been taken after the upload was checked).
    confirm = teacher.post(f"/instructor/uploads/{_pending_upload(app, 'teach', SITE_SLUG)}/confirm")
    assert confirm.status_code == 400 and "site bank" in confirm.get_data(as_text=True)
    assert _bank(app, SITE_SLUG) == before
    assert teacher.post(f"/instructor/banks/{SITE_SLUG}/toggle").status_code == 403
    assert teacher.post(f"/instructor/banks/{SITE_SLUG}/delete").status_code == 403
    assert teacher.post(f"/instructor/banks/{SITE_SLUG}/visibility", data={"visibility": "private"}).status_code \
        == 403
    assert _bank(app, SITE_SLUG) == before


def test_an_instructor_cannot_take_over_another_instructors_bank(app: Flask, teacher: FlaskClient,
                                                                 other: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt", visibility="shared")
    before = _bank(app, slug)
    refused = upload(other, AIKEN.replace("GPT", "Claude"), "week1.txt")
    assert refused.status_code == 400 and "another instructor" in refused.get_data(as_text=True)
    confirm = other.post(f"/instructor/uploads/{_pending_upload(app, 'other', slug)}/confirm")
    assert confirm.status_code == 400 and "another instructor" in confirm.get_data(as_text=True)
    # Deleted banks keep their slug for their owner.
    assert teacher.post(f"/instructor/banks/{slug}/delete").status_code == 302
    assert upload(other, AIKEN, "week1.txt").status_code == 400
    assert _bank(app, slug)[:3] == before[:3]
    # The owner may load a new version (and revive it).
    assert import_bank(teacher, AIKEN.replace("GPT", "Claude"), "week1.txt") == slug
    assert _bank(app, slug)[1] == 2


def test_the_command_line_cannot_replace_an_instructors_bank(app: Flask, teacher: FlaskClient, runner, tmp_path):
    slug = import_bank(teacher, AIKEN, "week1.txt")
    before = _bank(app, slug)
    path = tmp_path / "week1.txt"
    path.write_text(AIKEN.replace("GPT", "Claude"), encoding="utf-8")
    result = runner.invoke(args=["load-bank", str(path), "--type", "aiken", "--slug", slug])
    assert result.exit_code != 0 and "another instructor" in result.output
    assert _bank(app, slug) == before


def _slug_routes(app: Flask, slug: str) -> list[tuple[str, str]]:
    """Every instructor route that names a bank, with the method it answers."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("instructor.") and "slug" in rule.arguments:
            url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: {"slug": slug, "fmt": "gift"}[m.group(1)], rule.rule)
            for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                routes.append((method, url))
                if "<fmt>" in rule.rule:
                    routes.append((method, url.replace(".gift", ".json")))
    return routes


READ_ROUTES = ("", "/export.gift", "/export.json", "/assign")


def test_a_private_bank_is_invisible_to_other_instructors_on_every_route(app: Flask, teacher: FlaskClient,
                                                                       other: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt")  # private is the default
    routes = _slug_routes(app, slug)
    assert len(routes) >= 8, routes  # view, export x2, assign GET/POST, toggle, delete, visibility
    for method, url in routes:
        response = getattr(other, method.lower())(url, data={"title": "Stolen", "question_count": 2,
                                                             "feedback": "immediate", "attempts_allowed": 1,
                                                             "visibility": "shared"})
        assert response.status_code == 404, (method, url, response.status_code)
        assert "GPT" not in response.get_data(as_text=True)
    assert "week1" not in other.get("/instructor/").get_data(as_text=True)
    for suffix in READ_ROUTES:
        assert teacher.get(f"/instructor/banks/{slug}{suffix}").status_code == 200
    assert _bank(app, slug)[1] == 1


def test_the_owner_shares_a_bank_and_others_may_read_and_assign_but_not_change_it(
        app: Flask, teacher: FlaskClient, other: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt")
    page = teacher.get(f"/instructor/banks/{slug}").get_data(as_text=True)
    assert "Private" in page
    assert teacher.post(f"/instructor/banks/{slug}/visibility", data={"visibility": "shared"}).status_code == 302
    assert "week1" in other.get("/instructor/").get_data(as_text=True)
    for suffix in READ_ROUTES:
        assert other.get(f"/instructor/banks/{slug}{suffix}").status_code == 200, suffix
    assert other.post(f"/instructor/banks/{slug}/assign", data={
        "title": "Theirs", "question_count": 2, "feedback": "immediate", "attempts_allowed": 1}).status_code == 302
    for action in ("toggle", "delete", "visibility"):
        assert other.post(f"/instructor/banks/{slug}/{action}", data={"visibility": "private"}).status_code == 403
    assert teacher.post(f"/instructor/banks/{slug}/visibility", data={"visibility": "private"}).status_code == 302
    assert other.get(f"/instructor/banks/{slug}/export.json").status_code == 404
    assert teacher.post(f"/instructor/banks/{slug}/visibility", data={"visibility": "public"}).status_code == 400


def test_visibility_is_chosen_at_upload(app: Flask, teacher: FlaskClient, other: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt", visibility="shared")
    assert other.get(f"/instructor/banks/{slug}/export.gift").status_code == 200
    assert 'name="visibility"' in teacher.get("/instructor/banks/upload").get_data(as_text=True)
