"""``flask --app quizapp ...`` commands, also installed as the ``quizapp`` console script."""

from __future__ import annotations

import json
import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from .banks import bank_by_slug, bundled_bank_files, fact_bank, read_bank_file, store_bank_file
from .core.bank_check import FORMATS, check_bank_text
from .core.bank_loader import BankError
from .core.cards import TOPICS, topic_titles
from .core.deck_export import deck_csv, write_apkg
from .core.generators import generate_quiz
from .core.passwords import password_problems
from .core.questions import KINDS
from .core.quiz_export import quiz_to_gift, quiz_to_json
from .extensions import db
from .models import User, normalise_username

PASSWORD_ENV = "QUIZAPP_PASSWORD"
MAX_NAME = 64  # users.username and users.display_name


# A file this large (about 2,000 short questions and up) gets its progress shown, on a terminal only.
PROGRESS_FROM_BYTES = 256 * 1024


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _shows_progress(path: Path) -> bool:
    """Progress goes to stderr when it is a terminal and the file is large: never into a pipe, a log, or JSON."""
    return path.stat().st_size >= PROGRESS_FROM_BYTES and _stderr_is_terminal()


class _Bar:
    """A click progress bar on stderr, opened on the first ``update(done, total)`` (the total is known then)."""

    def __init__(self, stack: ExitStack, label: str) -> None:
        self._stack, self._label = stack, label
        self._bar: Any = None

    def update(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = self._stack.enter_context(click.progressbar(
                length=total, label=self._label.format(total=total), file=sys.stderr))
        self._bar.update(done - self._bar.pos)


def _phase(text: str) -> None:
    click.echo(text, err=True)


def _load(path: Path, fmt: str | None = None, slug: str | None = None, title: str | None = None) -> None:
    try:
        if _shows_progress(path):
            _phase(f"Reading and checking {path.name} ({path.stat().st_size / 1e6:.1f} MB)…")
            with ExitStack() as stack:
                result = store_bank_file(path, fmt, slug, title,
                                         progress=_Bar(stack, "Writing {total:,} questions").update)
        else:
            result = store_bank_file(path, fmt, slug, title)
    except BankError as exc:
        click.echo(f"Bank {path} is invalid; nothing was loaded. {len(exc.problems)} problem(s):", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from exc
    for warning in result.warnings:
        click.echo(f"  warning: {warning}", err=True)
    click.echo(result.describe())


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", type=click.IntRange(1, 64),
              help="gunicorn worker processes (default: $WEB_CONCURRENCY, else 2 per CPU + 1, at most 8).")
@click.option("--dev", is_flag=True, help="Flask's development server with its reloader and debugger instead.")
@click.pass_context
def run(ctx: click.Context, host: str, port: int, workers: int | None, dev: bool) -> None:
    """Serve the app with gunicorn (Ctrl+C stops it); --dev for the development server."""
    if dev:
        from flask.cli import run_command

        os.environ["FLASK_DEBUG"] = "1"  # as `flask run --debug`: templates reload too, and the banner says so
        ctx.invoke(run_command, host=host, port=port, reload=True, debugger=True)
        return
    from .server import available_cpus, default_workers, serve

    env_workers = os.environ.get("WEB_CONCURRENCY", "")
    count = workers or (int(env_workers) if env_workers.isdigit() and int(env_workers) > 0
                        else default_workers(available_cpus()))
    serve(host, port, count)


@click.command("init-db")
@click.option("--no-default-banks", is_flag=True, help="Do not load the banks shipped in question_bank/.")
@with_appcontext
def init_db(no_default_banks: bool) -> None:
    """Create the database or upgrade it in place, then load the shipped banks."""
    from . import MIGRATIONS_DIR

    upgrade(directory=str(MIGRATIONS_DIR))
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")
    if not no_default_banks:
        for path in bundled_bank_files():
            _load(path)


FORMAT_OPTION = click.option("--type", "fmt", type=click.Choice(list(FORMATS)),
                             help="The file's format (default: from the extension; .txt is Aiken or GIFT).")


@click.command("load-bank")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@FORMAT_OPTION
@click.option("--slug", help="The bank's id (default: the fact bank's slug, or the file name).")
@click.option("--title", help="The bank's title (imported formats; default: the file name).")
@with_appcontext
def load_bank(path: Path, fmt: str | None, slug: str | None, title: str | None) -> None:
    """Validate a bank file (fact bank, GIFT, Aiken or CSV) and load it, all or nothing."""
    _load(path, fmt, slug, title)


@click.command("check-bank")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@FORMAT_OPTION
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check_bank(path: Path, fmt: str | None, output: str) -> None:
    """Parse and validate a bank without loading it; exit 1 listing every error by line."""
    progress = output == "text" and _shows_progress(path)
    if progress:
        _phase(f"Reading {path.name} ({path.stat().st_size / 1e6:.1f} MB)…")
    try:
        text = read_bank_file(path)
    except BankError as exc:
        raise click.ClickException(exc.problems[0]) from exc
    with ExitStack() as stack:
        check = check_bank_text(text, path.name, fmt,
                                progress=_Bar(stack, f"Checking {path.name}").update if progress else None)
    if output == "json":
        click.echo(json.dumps(check.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(f"{path.name} ({FORMATS[check.format] if check.format in FORMATS else check.format}): "
                   f"{check.summary()}")
        for kind, count in sorted(check.type_counts().items()):
            click.echo(f"  {count} {kind}")
        for warning in check.warnings:
            click.echo(f"warning: {warning}")
        for error in check.errors:
            click.echo(f"error: {error}", err=True)
    if check.errors:
        raise SystemExit(1)


@click.command("create-user")
@click.argument("username")
@click.option("--instructor", is_flag=True, help="Give the account instructor rights.")
@click.option("--display-name", help="Name shown on leaderboards (default: the username).")
@with_appcontext
def create_user(username: str, instructor: bool, display_name: str | None) -> None:
    """Create an account. The password is read from $QUIZAPP_PASSWORD if set, else asked for."""
    for label, value in (("username", username), ("display name", display_name or "")):
        if len(value) > MAX_NAME:
            raise click.ClickException(f"The {label} is {len(value)} characters; at most {MAX_NAME}.")
    taken = db.session.execute(select(User).filter_by(username_key=normalise_username(username))
                               ).scalar_one_or_none()
    if taken is not None:
        raise click.ClickException(f"A user named '{taken.username}' already exists (names are compared "
                                   "ignoring case).")
    password = os.environ.get(PASSWORD_ENV) or click.prompt("Password", hide_input=True,
                                                            confirmation_prompt=True)
    problems = password_problems(password, username)
    if problems:
        raise click.ClickException(" ".join(problems))
    user = User(username=username, display_name=display_name or username, is_instructor=instructor)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {'instructor' if instructor else 'learner'} '{username}'.")


@click.command("export-quiz")
@click.option("--bank", "slug", required=True, help="The bank's slug, e.g. llm-vs-genai.")
@click.option("--count", default=10, show_default=True, type=click.IntRange(1, 200))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--kind", "kinds", multiple=True, type=click.Choice(list(KINDS)),
              help="Only these kinds (repeat the option); default all.")
@click.option("--format", "fmt", default="json", show_default=True,
              type=click.Choice(["json", "gift", "moodlexml", "qti"]),
              help="json, Moodle GIFT, Moodle XML, or an IMS QTI 1.2 package for Canvas (needs --output).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to this file instead of printing (required for qti, a .zip).")
@with_appcontext
def export_quiz(slug: str, count: int, seed: int, kinds: tuple[str, ...], fmt: str, output: Path | None) -> None:
    """Print a generated quiz with its answer key, as JSON, Moodle GIFT, Moodle XML or a QTI package."""
    from .core.formats.generated import imported_from_generated
    from .core.formats.moodle_xml_writer import write_moodle_xml
    from .core.formats.qti import write_qti_package

    row = bank_by_slug(slug)
    if row is None:
        raise click.ClickException(f"No bank '{slug}'. Load it first with load-bank.")
    if fmt == "qti" and output is None:
        raise click.ClickException("A QTI package is a .zip file: give --output quiz.zip.")
    questions = generate_quiz(fact_bank(row), count=count, seed=seed, kinds=kinds or None)
    body: str | bytes
    if fmt == "json":
        body = json.dumps(quiz_to_json(slug, seed, questions), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "gift":
        body = quiz_to_gift(slug, seed, questions)
    elif fmt == "moodlexml":
        body = write_moodle_xml(imported_from_generated(slug, questions))
    else:
        body = write_qti_package(f"{row.title} (seed {seed})", imported_from_generated(slug, questions))
    if output is None:
        click.echo(body, nl=False)
    elif isinstance(body, bytes):
        output.write_bytes(body)
        click.echo(f"Wrote {len(questions)} questions to {output}")
    else:
        output.write_text(body, encoding="utf-8")
        click.echo(f"Wrote {len(questions)} questions to {output}")


@click.command("export-deck")
@click.option("--bank", "slug", required=True, help="The bank's slug, e.g. llm-vs-genai.")
@click.option("--format", "fmt", required=True, type=click.Choice(["apkg", "csv"]))
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--topic", "topics", multiple=True, type=click.Choice(list(TOPICS)),
              help="Only these sub-decks (repeat the option); default the whole deck.")
@with_appcontext
def export_deck(slug: str, fmt: str, output: Path, topics: tuple[str, ...]) -> None:
    """Write a bank's flashcards as an Anki package or tab-separated text, for handing decks out."""
    from .cards.service import deck_cards

    row = bank_by_slug(slug)
    if row is None:
        raise click.ClickException(f"No bank '{slug}'. Load it first with load-bank.")
    cards = [c for c in deck_cards(row) if not topics or c.topic in topics]
    if fmt == "apkg":
        write_apkg(cards, row.title, slug, output, topic_names=topic_titles(fact_bank(row)))
    else:
        output.write_text(deck_csv(cards), encoding="utf-8")
    click.echo(f"Wrote {len(cards)} cards to {output}")


COMMANDS = (init_db, load_bank, check_bank, create_user, export_quiz, export_deck)


def register_commands(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def main() -> None:
    """The ``quizapp`` console script: the same commands as ``flask --app quizapp``."""
    from . import create_app

    group = FlaskGroup(create_app=create_app, help="quizapp commands (the same as flask --app quizapp ...; "
                                                   "`run` serves with gunicorn).")
    group.add_command(run)  # in place of Flask's development server, which `run --dev` still starts
    group(prog_name="quizapp", args=sys.argv[1:])
