"""Tables a generator derives from a bank alone (no seed), built once per bank object and kept with it.

A bank is immutable, and the web app caches each parsed bank by its content hash, so a table built on the
first quiz serves every later quiz on that bank: a quiz start then pays only for the seeded choices. A table
must not be changed by its readers (they get the one shared copy), and must depend on the bank alone.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import wraps
from typing import TypeVar, cast

from ..bank import FactBank

T = TypeVar("T")

# Per bank (by id, dropped when the bank is), each table by the function that builds it. Not kept on the bank
# itself: a bank may be pickled (the bounded check), and some tables hold closures.
_TABLES: dict[int, dict[Callable[[FactBank], object], object]] = {}


def per_bank(build: Callable[[FactBank], T]) -> Callable[[FactBank], T]:
    """``build(bank)``, computed on the first call for a bank and then returned from the cache."""

    @wraps(build)
    def cached(bank: FactBank) -> T:
        tables = _TABLES.get(id(bank))
        if tables is None:
            tables = _TABLES[id(bank)] = {}
            weakref.finalize(bank, _TABLES.pop, id(bank), None)
        if build not in tables:
            tables[build] = build(bank)
        return cast(T, tables[build])

    return cached
