"""Pages of a long list (a bank's questions): which slice page N shows and how to say so.

A bank may hold 50,000 questions; a page shows at most ``PAGE_SIZE`` of them, never all at once.
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE_SIZE = 200
# How many warnings or errors a page lists before saying how many more there are.
ISSUES_SHOWN = 100


@dataclass(frozen=True)
class Page:
    """Page ``number`` (from 1) of ``total`` items, ``size`` to a page."""

    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def count(self) -> int:
        """How many pages there are (1 for an empty list: it shows that there is nothing)."""
        return max(1, -(-self.total // self.size))

    @property
    def start(self) -> int:
        """The index of the page's first item (for slicing)."""
        return (self.number - 1) * self.size

    @property
    def stop(self) -> int:
        return min(self.total, self.start + self.size)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    def label(self, noun: str = "Questions") -> str:
        """e.g. "Questions 201–400 of 50,000", or "Questions 1–3 of 3"."""
        if not self.total:
            return f"{noun}: none"
        return f"{noun} {self.start + 1:,}–{self.stop:,} of {self.total:,}"


class NoSuchPage(ValueError):
    """A page number past the last page (or below 1); the message says which pages there are."""


def page_of(total: int, number: int, size: int = PAGE_SIZE) -> Page:
    """Page ``number`` of ``total`` items, or :class:`NoSuchPage` naming the pages that exist."""
    page = Page(1, total, size)
    if not 1 <= number <= page.count:
        items = f"{total:,} question{'' if total == 1 else 's'}"
        pages = "page 1" if page.count == 1 else f"pages 1 to {page.count:,}"
        verb = "fills" if total == 1 else "fill"
        raise NoSuchPage(f"There is no page {number:,}: the {items} {verb} {pages} ({size} to a page).")
    return Page(number, total, size)
