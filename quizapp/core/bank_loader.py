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

import math
from pathlib import Path
from typing import Any, cast

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from .bank import FactBank
from .bank_fields import BankError
from .bank_schema import CARD_TOPICS, FORMAT, BankValidator
from .input_checks import control_character_problems, excerpt

try:  # libyaml's scanner and parser, in C: about four times faster than PyYAML's own
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)

EXPANSION_FACTOR = 2
MAX_DEPTH = 32  # the shipped banks nest 5 deep; 10,000 '[' used to end in a RecursionError
MAX_NUMBER_LENGTH = 100  # digits and the like: int() of a long one is slow, and refused past 4300 digits


class _LineDict(dict[Any, Any]):
    """A mapping that remembers the line it started on in the YAML file."""

    line: int = 0


class _BankLoader(Composer, _Parser, SafeConstructor, Resolver):
    """A safe loader with a budget for what aliases expand to, and a limit on nesting.

    Aliases are allowed (``yaml.safe_dump`` writes them for a value used twice) as long as the whole
    document, with every alias expanded, has at most :data:`EXPANSION_FACTOR` times as many values as
    the file has characters: nine levels of nine aliases, 394 bytes, expand to 387 million strings,
    and checking them held a worker for 30 s. Each node's expanded size is counted once, when it is
    composed, so the budget costs time linear in the file. Nesting is limited so that composing,
    constructing and validating (all recursive) stay shallow. Both are checked before any value is built.
    """

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.depth = 0
        self.budget = EXPANSION_FACTOR * len(stream) + 1000
        self.expanded: dict[int, int] = {}  # id(node) -> how many values it holds with aliases expanded

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(AliasEvent):
            event = cast(AliasEvent, self.peek_event())
            target = self.anchors.get(event.anchor)
            if target is not None and id(target) not in self.expanded:
                raise ComposerError(None, None, f"the alias *{excerpt(event.anchor, 40)} is inside the value it "
                                                "names (a value cannot contain itself)", cast(Any, event).start_mark)
            return cast(Node, super().compose_node(parent, index))
        if self.depth == MAX_DEPTH:
            raise ComposerError(None, None, f"the values are nested more than {MAX_DEPTH} levels deep",
                                cast(Any, self.peek_event()).start_mark)
        self.depth += 1
        try:
            node = cast(Node, super().compose_node(parent, index))
        finally:
            self.depth -= 1
        size = 1
        if isinstance(node, SequenceNode):
            size += sum(self.expanded[id(child)] for child in node.value)
        elif isinstance(node, MappingNode):
            size += sum(self.expanded[id(key)] + self.expanded[id(value)] for key, value in node.value)
        if size > self.budget:
            raise ComposerError(None, None, f"aliases (*name) expand this value to more than {self.budget:,} "
                                            f"values, far more than the file holds: write the values out",
                                node.start_mark)
        self.expanded[id(node)] = size
        return node


def _construct_mapping(loader: _BankLoader, node: MappingNode) -> _LineDict:
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


def _short_number(node: ScalarNode) -> None:
    if len(node.value) > MAX_NUMBER_LENGTH:
        raise ConstructorError(None, None, f"a number of {len(node.value)} characters is too long (at most "
                                           f"{MAX_NUMBER_LENGTH}); put it in quotes if it is text", node.start_mark)


def _construct_int(loader: _BankLoader, node: ScalarNode) -> int:
    _short_number(node)
    return loader.construct_yaml_int(node)


def _construct_float(loader: _BankLoader, node: ScalarNode) -> float:
    _short_number(node)
    value = loader.construct_yaml_float(node)
    if not math.isfinite(value):
        raise ConstructorError(None, None, f"{excerpt(node.value)} is not a finite number (NaN and infinity are "
                                           "not allowed); put it in quotes if it is text", node.start_mark)
    return value


# (The stubs' add_constructor accepts only PyYAML's own loader classes.)
_BankLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)  # type: ignore[type-var]
_BankLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)  # type: ignore[type-var]
_BankLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)  # type: ignore[type-var]


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
    control = control_character_problems(text)
    if control:
        raise BankError([f"{filename}: line {line}: {message}" for line, message in control])
    loader = _BankLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise BankError([f"{filename}: {where}not valid YAML: {excerpt(exc.problem, 200)}"]) from exc
    except yaml.YAMLError as exc:
        raise BankError([f"{filename}: not valid YAML: {excerpt(str(exc), 200)}"]) from exc
    finally:
        loader.dispose()
    return BankValidator(filename).build(data)


__all__ = ["CARD_TOPICS", "FORMAT", "MAX_DEPTH", "BankError", "load_bank_file", "load_bank_text"]
