"""Search (issue 10 §5): cards and questions of the banks a user can see, never a question's answer key."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient

from quizapp.core.search import PER_PAGE
from tests.conftest import AuthActions
from tests.web.test_instructor import AIKEN, create_assignment, import_bank, make_instructor, take

ITEM_RE = re.compile(r'<li class="card">(.*?)</li>', re.S)


def _results(client: FlaskClient, query: str, **params: object) -> list[str]:
    response = client.get("/search", query_string={"q": query, **params})
    assert response.status_code == 200
    return [html.unescape(item) for item in ITEM_RE.findall(response.get_data(as_text=True))]


def test_the_header_has_a_search_box_on_every_page(client: FlaskClient):
    for url in ("/", "/quiz/", "/cards/"):
        page = client.get(url).get_data(as_text=True)
        assert 'action="/search"' in page and 'name="q"' in page and 'role="search"' in page


def test_a_guest_finds_cards_with_their_backs_and_questions_without_their_keys(app: Flask, client: FlaskClient):
    from quizapp.banks import enabled_banks, fact_bank
    from quizapp.core.generators import question_pool

    items = _results(client, "organization developed bigGAN")
    cards = [item for item in items if "Flashcard" in item]
    questions = [item for item in items if "Quiz question" in item]
    assert cards and questions
    assert "Which organization developed BigGAN?" in cards[0] and "DeepMind" in cards[0]  # a card's back is shown
    assert 'href="/cards/llm-vs-genai"' in cards[0] and 'href="/quiz/?bank=llm-vs-genai"' in questions[0]
    with app.app_context():
        pool = [q for row in enabled_banks() for qs in question_pool(fact_bank(row), 1).values() for q in qs]
    for query in ("organization developed", "true or false", "which", "llm"):
        for item in _results(client, query):
            if "Quiz question" not in item:
                continue
            prompt = re.search(r"<strong>(.*?)</strong>", item, re.S).group(1)
            asked = [q for q in pool if q.prompt == prompt]
            assert asked, prompt
            for question in asked:  # no option, right or wrong, nor the explanation reaches the page
                shown = item.replace(prompt, "")
                for option in question.options:
                    assert f">{option}<" not in shown and f" {option} " not in shown, (prompt, option)
                assert question.explanation not in shown


def test_results_are_paged_and_bad_page_numbers_are_not_errors(client: FlaskClient):
    first = _results(client, "llm")
    second = _results(client, "llm", page=2)
    assert len(first) == PER_PAGE and second and set(first).isdisjoint(second)
    page = client.get("/search?q=llm&page=2").get_data(as_text=True)
    assert "Page 2 of" in page and "Previous page" in page
    for bad in ("abc", "-1", "0", "99999999999"):
        assert client.get("/search", query_string={"q": "llm", "page": bad}).status_code == 200
    assert _results(client, "llm", page=100000)  # out of range: the last page


def test_empty_hostile_and_unmatched_queries(client: FlaskClient):
    empty = client.get("/search")
    assert empty.status_code == 200 and "Find a card or question" in empty.get_data(as_text=True)
    assert client.get("/search", query_string={"q": "(a+)+$ [ \\ * " * 500}).status_code == 200
    nothing = client.get("/search?q=zebracorn").get_data(as_text=True)
    assert "Nothing matches" in nothing and 'href="/cards/"' in nothing  # a way on, not a dead end


def test_imported_questions_follow_bank_visibility_and_never_show_answers(app: Flask):
    owner, other, learner, taker = (app.test_client() for _ in range(4))
    make_instructor(app, owner, "owner")
    make_instructor(app, other, "other")
    AuthActions(learner).register("lea")
    AuthActions(taker).register("tak")
    slug = import_bank(owner, AIKEN, "week1.txt")  # private by default
    query = "model family"
    [mine] = [item for item in _results(owner, query) if "Imported question" in item]
    assert "Which model family is an LLM?" in mine and f'href="/instructor/banks/{slug}"' in mine
    assert "StyleGAN" not in mine and "GPT" not in mine.replace("Which model family is an LLM?", "")
    assert not [item for item in _results(other, query) if "Imported question" in item]
    assert not [item for item in _results(learner, query) if "Imported question" in item]
    assert owner.post(f"/instructor/banks/{slug}/visibility", data={"visibility": "shared"}).status_code == 302
    assert [item for item in _results(other, query) if "Imported question" in item]
    # A learner sees an imported bank's question texts once they took an assignment from it; still no answers.
    _, code = create_assignment(owner, slug, shuffle="", attempts_allowed=0)
    take(taker, code)
    [seen] = [item for item in _results(taker, query) if "Imported question" in item]
    assert "StyleGAN" not in seen and "/instructor/" not in seen
    assert not [item for item in _results(learner, query) if "Imported question" in item]


def test_an_instructor_finds_a_disabled_banks_texts_linked_to_its_bank_page_and_learners_do_not(app: Flask):
    teacher, learner = app.test_client(), app.test_client()
    make_instructor(app, teacher)
    AuthActions(learner).register("lea")
    from quizapp.extensions import db
    from quizapp.models import Bank

    with app.app_context():  # a site bank cannot be toggled in the browser; disable it as the command line does
        bank = db.session.query(Bank).filter_by(slug="sql-vs-nosql").one()
        bank.enabled = False
        db.session.commit()
    items = [item for item in _results(teacher, "nosql") if "Relational" in item]
    assert items and all("(disabled)" in item and 'href="/instructor/banks/sql-vs-nosql"' in item
                         for item in items)
    assert not [item for item in _results(learner, "nosql") if "Relational" in item]
