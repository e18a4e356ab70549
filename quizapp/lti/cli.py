"""``quizapp worker`` (sends LMS scores) and ``quizapp lti-register`` (a platform, from the command line)."""

from __future__ import annotations

import os
from datetime import timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from .forms import deployment_ids, url_problem
from .models import LtiPlatform
from .outbox import LEASE, pending_count, run_worker
from .tool import tool_jwks


@click.command("worker")
@click.option("--batch", default=20, show_default=True, type=click.IntRange(1, 500),
              help="Scores claimed per round.")
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(0.05, 3600),
              help="Seconds to wait when nothing is due.")
@click.option("--once", is_flag=True, help="Send what is due now, then exit (for cron or tests).")
@click.option("--lease-seconds", type=click.IntRange(1, 86400),
              default=lambda: int(os.environ.get("QUIZAPP_WORKER_LEASE_SECONDS", LEASE.total_seconds())),
              show_default="300, or $QUIZAPP_WORKER_LEASE_SECONDS",
              help="How long a claimed score stays with this worker before another may send it.")
@with_appcontext
def worker(batch: int, interval: float, once: bool, lease_seconds: int) -> None:
    """Send queued LMS scores (LTI Assignment and Grade Services). Run one or more, on any host."""
    click.echo(f"quizapp worker: {pending_count()} score(s) not yet sent", err=True)
    run_worker(batch, interval, once, timedelta(seconds=lease_seconds), log=lambda line: click.echo(line, err=True))


@click.command("lti-register")
@click.option("--name", required=True, help="A name for you, e.g. 'Moodle (science)'.")
@click.option("--issuer", required=True, help="The platform's issuer (Moodle: its site URL).")
@click.option("--client-id", required=True)
@click.option("--auth-login-url", required=True, help="The platform's OIDC authentication request URL.")
@click.option("--token-url", required=True, help="The platform's access token URL.")
@click.option("--jwks-url", required=True, help="The platform's public keyset URL.")
@click.option("--deployment-id", "deployments", multiple=True, required=True, help="Repeat for several.")
@click.option("--audience", help="Access token audience, if the platform needs one (rare).")
@with_appcontext
def lti_register(name: str, issuer: str, client_id: str, auth_login_url: str, token_url: str, jwks_url: str,
                 deployments: tuple[str, ...], audience: str | None) -> None:
    """Register (or update) an LTI 1.3 platform; prints the tool's JWKS for the platform's side."""
    for label, url in (("--auth-login-url", auth_login_url), ("--token-url", token_url), ("--jwks-url", jwks_url)):
        problem = url_problem(url)
        if problem:
            raise click.ClickException(f"{label}: {problem}")
    ids = deployment_ids(" ".join(deployments))
    platform = db.session.execute(select(LtiPlatform).filter_by(issuer=issuer, client_id=client_id)
                                  ).scalar_one_or_none() or LtiPlatform(issuer=issuer, client_id=client_id)
    platform.name, platform.enabled, platform.auth_login_url = name, True, auth_login_url
    platform.auth_token_url, platform.key_set_url, platform.auth_audience = token_url, jwks_url, audience
    platform.deployment_ids = ids
    db.session.add(platform)
    db.session.commit()
    click.echo(f"Registered {name}: issuer {issuer}, client id {client_id}, deployments {', '.join(ids)}.")
    click.echo(f"Tool key id: {tool_jwks()['keys'][-1]['kid']}; the platform fetches keys from /lti/jwks.")


COMMANDS = (worker, lti_register)
