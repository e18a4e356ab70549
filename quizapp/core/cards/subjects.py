"""What the model cards are about: single items, or families of versions asked about once.

GPT, GPT-2, GPT-3 and GPT-4 share their category, maker, content and method, so four
cards asking the same thing of each would have the same answer and blur together
(Wozniak's "interference"). A *family* (items whose names differ only by a version
number and that share every attribute) is asked about once, under its first member's
name, which also keeps that member's old card id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..bank import FactBank, Item
from .wording import join

_VERSION_RE = re.compile(r"[\s-]?\d+$")


@dataclass(frozen=True)
class Subject:
    key: str  # the first member's name: what ids hash
    items: tuple[Item, ...]

    @property
    def first(self) -> Item:
        return self.items[0]

    @property
    def is_family(self) -> bool:
        return len(self.items) > 1

    @property
    def stem(self) -> str:
        return _VERSION_RE.sub("", self.key) or self.key

    @property
    def name(self) -> str:
        """Every member, for a front: "BigGAN", "StyleGAN and StyleGAN2", "GPT, GPT-2, GPT-3 and GPT-4"."""
        return join([item.name for item in self.items])

    @property
    def short_name(self) -> str:
        """The subject inside a back or a list of names: "the StyleGAN models" for a family, so no list nests."""
        return f"the {self.stem} models" if self.is_family else self.key

    @property
    def each(self) -> str:
        """The subject starting a back: "BigGAN", "Every GPT model"."""
        return f"Every {self.stem} model" if self.is_family else self.key

    @property
    def verb(self) -> str:
        return "are" if self.is_family else "is"


def _version(item: Item) -> int:
    match = re.search(r"(\d+)$", item.name)
    return int(match.group(1)) if match and _VERSION_RE.search(item.name) else 0


def _profile(item: Item) -> tuple[object, ...]:
    return (item.category, item.organization, item.modality, item.method, item.related_methods)


def subjects(bank: FactBank) -> list[Subject]:
    """The bank's items as subjects, in bank order (a family where its first member is)."""
    groups: dict[tuple[object, ...], list[Item]] = {}
    for item in bank.items:
        stem = _VERSION_RE.sub("", item.name) or item.name
        groups.setdefault((stem, *_profile(item)), []).append(item)
    out: list[Subject] = []
    for members in groups.values():
        if len(members) > 1 and any(_VERSION_RE.sub("", m.name) == m.name for m in members):
            members.sort(key=_version)  # the first version first, whatever the bank's order
            out.append(Subject(members[0].name, tuple(members)))
        else:
            out.extend(Subject(item.name, (item,)) for item in members)
    order = {item.name: index for index, item in enumerate(bank.items)}
    return sorted(out, key=lambda s: min(order[i.name] for i in s.items))
