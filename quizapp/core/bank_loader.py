"""Read a fact bank from YAML and validate all of it before anything is used.

Validation collects *every* problem (not just the first) and names the file,
the line, the entry and the field, so an instructor can fix a bank in one go.
The schema is checked by hand rather than with a JSON-Schema library because
the useful checks are relational (unknown category ids, subset cycles, labels
that would make two options correct), which schema validators do not express,
and their messages do not name entries the way instructors think of them.
Field checks are in :mod:`.bank_fields`, the sections in :mod:`.bank_schema`.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .bank import FactBank
from .bank_fields import BankError
from .bank_schema import CARD_TOPICS, FORMAT, BankValidator


class _LineDict(dict):
    """A mapping that remembers the line it started on in the YAML file."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_bank_file(path: str | Path) -> FactBank:
    """Load and validate a bank file; raise :class:`BankError` listing every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BankError([f"{path.name}: cannot read the file: {exc.strerror}"]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BankError([f"{path.name}: the file is not UTF-8 text (byte {exc.start})"]) from exc
    return load_bank_text(text, path.name)


def load_bank_text(text: str, filename: str = "bank.yaml") -> FactBank:
    """Parse and validate bank YAML given as text (e.g. an upload)."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise BankError([f"{filename}: {where}not valid YAML: {exc.problem}"]) from exc
    except yaml.YAMLError as exc:
        raise BankError([f"{filename}: not valid YAML: {exc}"]) from exc
    return BankValidator(filename).build(data)


__all__ = ["CARD_TOPICS", "FORMAT", "BankError", "load_bank_file", "load_bank_text"]
