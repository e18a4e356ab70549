"""Where the top-level ``templates/``, ``static/`` and ``question_bank/`` folders are."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """``quizapp/<name>`` inside an installed wheel, else ``<repo>/<name>`` in a checkout.

    The wheel build copies the repository's top-level folders into the package
    (see ``[tool.hatch.build.targets.wheel.force-include]``); an editable
    install or a plain checkout imports the package from the repository, where
    the folders sit next to it.
    """
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name
