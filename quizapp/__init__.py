"""quizapp: quizzes and flashcards generated from comparison fact banks."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from .config import build_config
from .extensions import csrf, db, login_manager, migrate
from .paths import PACKAGE_DIR, resource_dir

MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides settings (tests pass DATABASE_URL, SECRET_KEY, ...)."""
    config = dict(config or {})
    instance_path = config.pop("INSTANCE_PATH", None)
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    app.config.from_mapping(build_config(Path(app.instance_path), config))

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    from . import database, errors, security, templating
    from .auth import bp as auth_bp
    from .cards import bp as cards_bp
    from .cli import register_commands
    from .instructor import bp as instructor_bp
    from .lti.routes import bp as lti_bp
    from .main import bp as main_bp
    from .progress import bp as progress_bp
    from .quiz import bp as quiz_bp
    from .search import bp as search_bp

    database.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    for blueprint in (main_bp, auth_bp, quiz_bp, progress_bp, cards_bp, instructor_bp, lti_bp, search_bp):
        app.register_blueprint(blueprint)
    register_commands(app)
    if app.config.get("BENCH_ENDPOINTS"):
        from .bench import bp as bench_bp  # baseline endpoints for benchmarks/, never on in production

        app.register_blueprint(bench_bp)
    return app
