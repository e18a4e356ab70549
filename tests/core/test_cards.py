"""Flashcards derived from fact banks: complete, well-formed, and with ids that survive unrelated edits."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from quizapp.core.bank import FactBank
from quizapp.core.bank_loader import load_bank_file, load_bank_text
from quizapp.core.cards import TOPICS, Flashcard, cards_by_topic, derive_cards, topic_titles
from tests.conftest import DEFAULT_BANK, SECOND_BANK

BANKS = {path.stem: load_bank_file(path) for path in (DEFAULT_BANK, SECOND_BANK)}


def kind(card: Flashcard) -> str:
    return card.id.split(":")[1]


def fronts(cards: list[Flashcard]) -> dict[str, Flashcard]:
    return {c.front: c for c in cards}


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def reload(data: dict) -> FactBank:
    return load_bank_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "edited.yaml")


@pytest.mark.parametrize("name", sorted(BANKS))
def test_every_fact_yields_one_card(name: str) -> None:
    bank = BANKS[name]
    cards = derive_cards(bank)
    counts = {k: sum(1 for c in cards if kind(c) == k) for k in ("item", "app", "method", "dim", "stmt", "card")}
    assert counts == {"item": len(bank.items), "app": len(bank.applications), "method": len(bank.methods),
                      "dim": len(bank.dimensions), "stmt": len(bank.statements), "card": len(bank.cards)}
    by_front = fronts(cards)
    assert len(by_front) == len(cards)
    for item in bank.items:
        assert f"{item.name} — what is it?" in by_front
    for app in bank.applications:
        assert any(c.topic == "applications" and f'"{app.name}"' in c.front for c in cards)
    for method in bank.methods:
        assert any(c.topic == "methods" and method.name in c.front for c in cards)
    for dim in bank.dimensions:
        assert any(c.topic == "dimensions" and c.front.startswith(f"{dim.name}: ") for c in cards)
    for statement in bank.statements:
        card = by_front[f"True or false: {statement.text}"]
        assert card.topic == "statements"
        assert card.back.startswith("True. " if statement.answer else "False. ")
    for hand in bank.cards:
        assert by_front[hand.front].back == hand.back
        assert by_front[hand.front].topic == hand.topic


@pytest.mark.parametrize("name", sorted(BANKS))
def test_cards_are_well_formed(name: str) -> None:
    bank = BANKS[name]
    cards = derive_cards(bank)
    assert len({c.id for c in cards}) == len(cards)
    for card in cards:
        assert card.topic in TOPICS
        assert card.bank == bank.slug
        assert card.id.startswith(f"{bank.slug}:")
        assert len(card.id) <= 80
        assert card.front.strip() and card.back.strip()
        assert card.source.strip()
        assert card.source not in card.back  # the source is a field of its own
    assert derive_cards(bank) == cards  # deterministic


@pytest.mark.parametrize("name", sorted(BANKS))
def test_topic_order_and_grouping(name: str) -> None:
    cards = derive_cards(BANKS[name])
    order = list(TOPICS)
    assert [order.index(c.topic) for c in cards] == sorted(order.index(c.topic) for c in cards)
    groups = cards_by_topic(reversed(cards))
    assert list(groups) == [t for t in TOPICS if any(c.topic == t for c in cards)]
    assert all(groups.values())
    assert sum(len(g) for g in groups.values()) == len(cards)


def test_subset_relation_on_item_backs() -> None:
    bank = BANKS["llm-vs-genai"]
    cards = fronts(derive_cards(bank))
    gpt4 = cards["GPT-4 — what is it?"].back.splitlines()
    assert gpt4[0] == "An LLM (and so also Generative AI)"
    assert "Organization: OpenAI" in gpt4
    assert "Kind of content: Text" in gpt4
    assert cards["StyleGAN — what is it?"].back.startswith("Generative AI, but not a language model")
    assert "Organization: DeepMind (part of Google)" in cards["BigGAN — what is it?"].back.splitlines()
    # Claude's organization is cited from a note; the card's source says so.
    assert "Anthropic" in cards["Claude — what is it?"].source


def test_leaf_without_exclusive_label_still_names_its_ancestor() -> None:
    data = load_yaml(DEFAULT_BANK)
    llm = next(c for c in data["categories"] if c["id"] == "llm")
    del llm["exclusive_label"], llm["application_label"]
    cards = fronts(derive_cards(reload(data)))
    assert cards["GPT-4 — what is it?"].back.splitlines()[0] == "LLM, and so also Generative AI"


def test_methods_used_by_a_subcategory_count_for_its_ancestors() -> None:
    bank = BANKS["sql-vs-nosql"]
    cards = derive_cards(bank)
    mql = next(c for c in cards if c.topic == "methods" and " MQL?" in c.front)
    assert mql.front == "Who uses the query language MQL?"
    assert mql.back.splitlines()[0] == "Used by: NoSQL database and document database."
    assert mql.back.splitlines()[1] == "Not used by: relational database."
    assert topic_titles(bank)["methods"] == "Query languages"
    assert topic_titles(BANKS["llm-vs-genai"])["methods"] == "Training methods"


def test_dimension_card_has_one_line_per_category() -> None:
    bank = BANKS["sql-vs-nosql"]
    for card in (c for c in derive_cards(bank) if kind(c) == "dim"):
        dim = next(d for d in bank.dimensions if card.front.startswith(f"{d.name}: "))
        assert card.front.count(" vs ") == len(bank.categories) - 1
        lines = card.back.splitlines()
        for category in bank.categories:
            assert any(line.casefold() == f"{category.name}: {dim.values[category.id]}".casefold() for line in lines)


def test_ids_survive_unrelated_edits() -> None:
    data = load_yaml(DEFAULT_BANK)
    before = derive_cards(reload(data))
    assert before == derive_cards(BANKS["llm-vs-genai"])  # the YAML round trip changes nothing

    edited = copy.deepcopy(data)
    new_item = {"name": "Gemini", "category": "llm", "organization": "google", "modality": ["text"],
                "method": "transformers", "source": {"note": "Well known: test item."}}
    edited["items"].append(new_item)
    gpt4 = next(i for i in edited["items"] if i["name"] == "GPT-4")
    gpt4["organization"] = "meta"  # changes only GPT-4's back
    edited["items"].reverse()
    edited["applications"].reverse()
    edited["methods"].reverse()
    edited["dimensions"].reverse()
    edited["statements"].reverse()
    edited["cards"].reverse()
    changed_statement = edited["statements"][3]
    changed_statement["explanation"] = "A reworded explanation."
    changed_card = edited["cards"][0]
    changed_card["back"] = "A reworded answer."
    edited["dimensions"][0]["values"]["llm"] = "A reworded value."
    after = derive_cards(reload(edited))

    old, new = fronts(before), fronts(after)
    for front, card in old.items():
        assert new[front].id == card.id, front
    assert {c.id for c in after} - {c.id for c in before} == {new["Gemini — what is it?"].id}
    assert "Organization: Meta" in new["GPT-4 — what is it?"].back
    assert new["GPT-4 — what is it?"].back != old["GPT-4 — what is it?"].back
    statement_front = f"True or false: {changed_statement['text']}"
    assert new[statement_front].back.endswith("A reworded explanation.")
    assert new[changed_card["front"]].back == "A reworded answer."
    assert new[changed_card["front"]].id == old[changed_card["front"]].id


def test_renaming_a_subject_changes_only_its_id() -> None:
    data = load_yaml(SECOND_BANK)
    before = derive_cards(reload(data))
    next(i for i in data["items"] if i["name"] == "Redis")["name"] = "Valkey"
    after = derive_cards(reload(data))
    gone = {c.id for c in before} - {c.id for c in after}
    assert gone == {fronts(before)["Redis — what is it?"].id}
    assert len(after) == len(before)


def test_ids_do_not_depend_on_case_or_spacing_of_the_subject() -> None:
    data = load_yaml(DEFAULT_BANK)
    statement = data["statements"][0]
    before = fronts(derive_cards(reload(data)))[f"True or false: {statement['text']}"]
    statement["text"] = statement["text"].upper().replace(" ", "  ")
    after = fronts(derive_cards(reload(data)))[f"True or false: {statement['text']}"]
    assert after.front != before.front
    assert after.id == before.id


def test_repeated_hand_written_fronts_still_get_unique_ids() -> None:
    data = load_yaml(SECOND_BANK)
    data["cards"].append(dict(data["cards"][0], back="Another answer."))
    cards = derive_cards(reload(data))
    assert len({c.id for c in cards}) == len(cards)


def test_long_slugs_keep_ids_short_and_distinct() -> None:
    data = load_yaml(SECOND_BANK)
    data["slug"] = "a-" * 40 + "one"
    first = derive_cards(reload(data))
    data["slug"] = "a-" * 40 + "two"
    second = derive_cards(reload(data))
    assert all(len(c.id) <= 80 for c in first + second)
    assert not {c.id for c in first} & {c.id for c in second}
