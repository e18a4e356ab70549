"""PostgreSQL's pooled connections: reads outside a transaction, writes in one, dead connections replaced.

These run when ``TEST_DATABASE_URL`` names a PostgreSQL server (``make test`` does); on SQLite they are
skipped, as SQLite's driver already begins a transaction only at the first write and has no server to lose.
"""

from __future__ import annotations

import os
import socket
import time

import pytest
from flask import Flask
from psycopg.pq import TransactionStatus
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

from quizapp.database import _readable
from quizapp.extensions import db
from quizapp.models import Bank, LoginFailure
from tests.conftest import admin_engine


@pytest.fixture
def pg_app(app: Flask) -> Flask:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only: set TEST_DATABASE_URL")
    return app


def transaction_status() -> TransactionStatus:
    return db.session.connection().connection.dbapi_connection.info.transaction_status  # type: ignore[union-attr]


def failures_named(name: str) -> int:
    with db.engine.connect() as other:
        return other.execute(select(func.count()).select_from(LoginFailure)
                             .where(LoginFailure.username == name)).scalar_one()


def test_reads_run_outside_a_transaction_and_the_first_write_begins_one(pg_app: Flask):
    with pg_app.app_context():
        assert db.session.scalars(select(Bank)).all()
        assert transaction_status() == TransactionStatus.IDLE  # no BEGIN was sent for the read
        db.session.execute(insert(LoginFailure).values(username="first", address="test", at=func.now()))
        assert transaction_status() == TransactionStatus.INTRANS
        db.session.execute(insert(LoginFailure).values(username="first", address="test", at=func.now()))
        assert failures_named("first") == 0  # not committed: another connection sees neither row
        db.session.rollback()
        assert failures_named("first") == 0
        db.session.execute(insert(LoginFailure).values(username="second", address="test", at=func.now()))
        db.session.execute(insert(LoginFailure).values(username="second", address="test", at=func.now()))
        db.session.commit()
        assert failures_named("second") == 2


@pytest.mark.parametrize("statement", [select(Bank.id).with_for_update(), text("SELECT 1")],
                         ids=["select for update", "written-out sql"])
def test_a_locking_select_or_written_out_sql_begins_a_transaction(pg_app: Flask, statement):
    with pg_app.app_context():
        db.session.execute(select(Bank.id))
        assert transaction_status() == TransactionStatus.IDLE
        db.session.execute(statement)
        assert transaction_status() == TransactionStatus.INTRANS
        db.session.rollback()


def test_each_checkout_reads_outside_a_transaction_again(pg_app: Flask):
    with pg_app.app_context():
        db.session.execute(insert(LoginFailure).values(username="third", address="test", at=func.now()))
        db.session.commit()
        db.session.execute(select(Bank.id))
        assert transaction_status() == TransactionStatus.IDLE


def test_a_connection_the_server_closed_is_replaced_without_a_failed_request(pg_app: Flask):
    client = pg_app.test_client()
    assert client.get("/").status_code == 200
    name = make_url(pg_app.config["SQLALCHEMY_DATABASE_URI"]).database
    with pg_app.app_context():
        pooled = db.engine.pool.checkedin()
    assert pooled >= 1
    admin = admin_engine(pg_app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with admin.connect() as conn:
            others = "FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
            ended = conn.execute(text(f"SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) {others}"),
                                 {"name": name}).scalar_one()
            assert ended == pooled
            deadline = time.monotonic() + 10
            while conn.execute(text(f"SELECT count(*) {others}"), {"name": name}).scalar_one():
                assert time.monotonic() < deadline, "the terminated backends did not exit"
                time.sleep(0.05)
    finally:
        admin.dispose()
    for _ in range(pooled + 1):  # through every connection the pool held
        response = client.get("/")
        assert response.status_code == 200, response.get_data(as_text=True)[:500]


def test_the_liveness_check_takes_descriptors_past_select_s_limit():
    """A worker with many open files gets socket descriptors over 1023, which select() refuses; poll() takes them."""
    ours, theirs = socket.socketpair()
    high = os.dup2(ours.fileno(), 1500)
    try:
        assert not _readable(high)
        theirs.close()  # the peer closed: a read would return EOF
        assert _readable(high)
    finally:
        os.close(high)
        ours.close()
