"""Pages of a bank's questions (quizapp.core.paging)."""

from __future__ import annotations

import pytest

from quizapp.core.paging import NoSuchPage, Page, page_of


def test_pages_of_450_questions():
    first, second, third = (page_of(450, n) for n in (1, 2, 3))
    assert (first.start, first.stop, first.previous, first.next) == (0, 200, None, 2)
    assert (second.start, second.stop, second.previous, second.next) == (200, 400, 1, 3)
    assert (third.start, third.stop, third.previous, third.next, third.count) == (400, 450, 2, None, 3)
    assert second.label() == "Questions 201–400 of 450"


def test_labels_use_thousands_separators():
    assert page_of(50_000, 2).label() == "Questions 201–400 of 50,000"
    assert page_of(50_000, 250).label() == "Questions 49,801–50,000 of 50,000"


def test_an_empty_list_has_one_page():
    page = page_of(0, 1)
    assert (page.count, page.start, page.stop, page.next) == (1, 0, 0, None)
    assert page.label() == "Questions: none"


@pytest.mark.parametrize(("total", "number", "message"), [
    (450, 9, "There is no page 9: the 450 questions fill pages 1 to 3 (200 to a page)."),
    (450, 0, "There is no page 0: the 450 questions fill pages 1 to 3 (200 to a page)."),
    (1, 2, "There is no page 2: the 1 question fills page 1 (200 to a page)."),
])
def test_a_page_out_of_range_names_the_pages_there_are(total: int, number: int, message: str):
    with pytest.raises(NoSuchPage) as caught:
        page_of(total, number)
    assert str(caught.value) == message


def test_a_page_of_any_size():
    assert Page(3, 25, size=10).label() == "Questions 21–25 of 25"
