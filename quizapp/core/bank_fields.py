"""Checking single fields of a fact bank and reporting problems with file, line, entry and field.

Hand-written rather than a JSON-Schema library: the useful checks are relational
(unknown ids, cycles, labels that would make two options correct) and the
messages must name entries the way instructors think of them.
"""

from __future__ import annotations

import re
from typing import Any

from .bank import Source
from .input_checks import excerpt

ID_PATTERN = r"^[a-z0-9_]+$"
MAX_ID = 64  # category ids are stored with quiz attempts in a 64-character column


class BankError(ValueError):
    """A bank that cannot be loaded; ``problems`` lists every reason, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class FieldChecker:
    """Field-level checks; every problem is collected, none raised."""

    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[str] = []
        self.document_files: set[str] = set()

    # -- reporting ---------------------------------------------------------
    def error(self, where: str, message: str, entry: Any = None) -> None:
        line = getattr(entry, "line", 0)
        prefix = f"{self.filename}: line {line}: " if line else f"{self.filename}: "
        self.problems.append(f"{prefix}{where}: {message}" if where else f"{prefix}{message}")

    # -- field helpers -----------------------------------------------------
    def text(self, entry: dict[str, Any], key: str, where: str, required: bool = True, default: str = "") -> str:
        value = entry.get(key)
        if value is None:
            if required:
                self.error(where, f"{key} is required", entry)
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(where, f"{key} must be text, not {type(value).__name__}", entry)
            return default
        value = str(value).strip()
        if required and not value:
            self.error(where, f"{key} must not be empty", entry)
        return value or default

    def ident(self, entry: dict[str, Any], key: str, where: str) -> str:
        value = self.text(entry, key, where)
        if value and not re.match(ID_PATTERN, value):
            self.error(where, f"{key} '{excerpt(value)}' must be lower-case letters, digits or _", entry)
        elif len(value) > MAX_ID:
            self.error(where, f"{key} '{excerpt(value, 23)}' is {len(value)} characters; at most {MAX_ID}", entry)
        return value

    def ref(self, entry: dict[str, Any], key: str, where: str, known: set[str], kind: str,
            required: bool) -> str | None:
        value = entry.get(key)
        if value is None:
            if required:
                self.error(where, f"{key} is required", entry)
            return None
        value = str(value) if isinstance(value, str | int | float) else excerpt(value)
        if value not in known:
            self.error(where, f"{key} '{excerpt(value)}' is not a declared {kind}", entry)
        return value

    def ref_list(self, entry: dict[str, Any], key: str, where: str, known: set[str], kind: str) -> tuple[str, ...]:
        value = entry.get(key)
        if value is None:
            return ()
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list):
            self.error(where, f"{key} must be a list of {kind} ids", entry)
            return ()
        for v in values:
            if str(v) not in known:
                self.error(where, f"{key} '{excerpt(v)}' is not a declared {kind}", entry)
        if len(set(map(str, values))) != len(values):
            self.error(where, f"{key} lists the same {kind} twice", entry)
        return tuple(str(v) for v in values)

    def fields(self, entry: Any, where: str, allowed: set[str]) -> bool:
        if not isinstance(entry, dict):
            self.error(where, f"must be a mapping of fields, not {type(entry).__name__}", entry)
            return False
        for key in entry:
            if key not in allowed:
                self.error(where, f"unknown field '{excerpt(key)}' (expected one of: {', '.join(sorted(allowed))})",
                           entry)
        return True

    def source(self, entry: dict[str, Any], where: str, key: str = "source") -> Source:
        value = entry.get(key)
        if value is None:
            self.error(where, f"{key} is required (a document file and section, or a note)", entry)
            return Source()
        if not isinstance(value, dict):
            self.error(where, f"{key} must be a mapping with file and section, or note", entry)
            return Source()
        sub = f"{where}: {key}"
        self.fields(value, sub, {"file", "section", "note"})
        file = self.text(value, "file", sub, required=False) or None
        section = self.text(value, "section", sub, required=False) or None
        note = self.text(value, "note", sub, required=False) or None
        if file is None and note is None:
            self.error(where, f"{key} needs a file (one of the documents) or a note", entry)
        if file is not None and file not in self.document_files:
            self.error(where, f"{key} file '{file}' is not one of the bank's documents", entry)
        if file is not None and section is None:
            self.error(where, f"{key} needs the section of '{file}' the fact comes from", entry)
        return Source(file=file, section=section, note=note)

    def entries(self, data: dict[str, Any], key: str) -> list[tuple[str, Any]]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(key, "must be a list", data)
            return []
        return [(f"{key}[{i}]", entry) for i, entry in enumerate(value)]

    def named(self, where: str, entry: Any, key: str = "name") -> str:
        if isinstance(entry, dict) and isinstance(entry.get(key), (str, int)):
            return f"{where} ({excerpt(str(entry[key]), 40)})"
        return where

    def unique(self, values: list[tuple[str, Any, str]], what: str) -> None:
        seen: dict[str, str] = {}
        for where, entry, value in values:
            if not value:
                continue
            if value in seen:
                self.error(where, f"{what} '{excerpt(value)}' is already used by {seen[value]}", entry)
            else:
                seen[value] = where
