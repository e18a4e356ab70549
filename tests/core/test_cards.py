"""Flashcards derived from fact banks: one fact a card, short distinct answers, and ids that survive edits."""

from __future__ import annotations

import copy
import statistics
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.core.bank import FactBank
from quizapp.core.bank_fields import BankError
from quizapp.core.bank_loader import load_bank_file, load_bank_text
from quizapp.core.cards import (
    MAX_BACK_WORDS,
    TOPICS,
    Flashcard,
    card_id,
    cards_by_topic,
    cloze_front,
    cloze_numbers,
    cloze_text,
    derive_cards,
    interleaved,
    is_enumeration,
    topic_titles,
    word_count,
)
from tests.conftest import DEFAULT_BANK, SECOND_BANK

BANKS = {path.stem: load_bank_file(path) for path in (DEFAULT_BANK, SECOND_BANK)}
CARDS = {name: derive_cards(bank) for name, bank in BANKS.items()}
LLM = "llm-vs-genai"


def kind(card: Flashcard) -> str:
    return card.id.split(":")[1]


def fronts(cards: list[Flashcard]) -> dict[str, Flashcard]:
    return {c.front: c for c in cards}


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def reload(data: dict) -> FactBank:
    return load_bank_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "edited.yaml")


def mentions(cards: list[Flashcard], text: str) -> bool:
    return any(text.casefold() in f"{c.front}\n{c.back}".casefold() for c in cards)


# -- the rules of issue 8 §4, over every shipped bank ------------------------------------
@pytest.mark.parametrize("name", sorted(BANKS))
def test_cards_are_well_formed(name: str) -> None:
    bank, cards = BANKS[name], CARDS[name]
    assert len({c.id for c in cards}) == len(cards)
    assert len(fronts(cards)) == len(cards), "two cards with the same front"
    files = {d.file for d in bank.documents}
    for card in cards:
        assert card.topic in TOPICS
        assert card.bank == bank.slug and card.id.startswith(f"{bank.slug}:") and len(card.id) <= 80
        assert card.front.strip() and card.back.strip() and card.source.strip()
        assert card.source not in card.back  # the source is a field of its own
        for text in (card.front, card.back, card.source):  # sources for people, no editors' notes
            assert not any(f in text for f in files), (card.front, text)
            assert ".txt" not in text and "Well known" not in text and "Seed " not in text, (card.front, text)
    assert derive_cards(bank) == cards  # deterministic


@pytest.mark.parametrize("name", sorted(BANKS))
def test_no_two_cards_share_an_answer(name: str) -> None:
    """Different fronts never share a back; a cloze card's answer is its gap within its text."""
    answers = Counter((c.back, c.answer) for c in CARDS[name])
    shared = {answer: n for answer, n in answers.items() if n > 1}
    assert not shared, shared


@pytest.mark.parametrize("name", sorted(BANKS))
def test_backs_are_short_and_not_lists(name: str) -> None:
    cards = CARDS[name]
    words = [word_count(c.back) for c in cards]
    assert statistics.median(words) <= 12, statistics.median(words)
    assert max(words) <= MAX_BACK_WORDS, max(cards, key=lambda c: word_count(c.back))
    for card in cards:
        if not card.is_cloze:  # a cloze's back is its whole text; the learner recalls one gap of it
            assert not is_enumeration(card.back), card


@pytest.mark.parametrize("name", sorted(BANKS))
def test_fronts_are_questions_or_clozes(name: str) -> None:
    for card in CARDS[name]:
        if card.is_cloze:
            assert "[" in card.front and "{{" not in card.front, card
            assert card.answer and card.answer not in card.front.replace(card.back, ""), card
        else:
            assert card.front.endswith("?"), card.front
        assert not card.front.startswith("True or false"), card.front


def test_enumeration_check() -> None:
    assert is_enumeration("GANs, Diffusion, Transformers, etc.")
    assert is_enumeration("Atomicity, Consistency, Isolation and Durability")
    assert not is_enumeration("GANs, Diffusion and Transformers, depending on the type of content.")
    assert not is_enumeration("A broad category of AI models that can generate new content, such as images and music.")


# -- models -----------------------------------------------------------------------------
def test_one_card_per_fact_about_a_model() -> None:
    cards = fronts(CARDS[LLM])
    assert not any("what is it" in f for f in cards)
    llama = cards["Is LLaMA an LLM?"]
    assert llama.back == "Yes. LLaMA: an LLM (and so also Generative AI)."
    assert cards["Are StyleGAN and StyleGAN2 LLMs?"].back == "No. Every StyleGAN model: Generative AI, but not an LLM."
    assert cards["Which organization developed BigGAN?"].back == "DeepMind (part of Google)"
    for item in BANKS[LLM].items:  # every model is asked about at least once
        assert mentions(CARDS[LLM], item.name), item.name


def test_versions_of_one_model_are_asked_about_once() -> None:
    cards = CARDS[LLM]
    assert "Are GPT, GPT-2, GPT-3 and GPT-4 LLMs?" in fronts(cards)
    for version in ("GPT-2", "GPT-3", "Dall-E 2", "StyleGAN2"):
        assert not any(c.front.startswith(f"Is {version} ") for c in cards), version


def test_makers_are_asked_only_where_distinctive() -> None:
    cards = CARDS[LLM]
    by_front = fronts(cards)
    assert not any("Midjourney" in c.front and "develop" in c.front for c in cards)  # "Midjourney, Inc."
    openai_models = [i.name for i in BANKS[LLM].items if i.organization == "openai"]
    assert not any(c.front == f"Which organization developed {name}?" for name in openai_models for c in cards)
    openai = [c for c in cards if c.is_cloze and "OpenAI made" in c.back]
    assert len(openai) == 4 and len({c.note for c in openai}) == 1  # one cloze note, a card per model family
    assert {c.answer for c in openai} == {"the Dall-E models", "MuseNet", "the GPT models", "ChatGPT"}
    assert by_front["Which of the deck's models did Google make?"].back == "DeepDream, BERT and PaLM."


def test_name_clozes_single_a_model_out() -> None:
    cards = [c for c in CARDS[LLM] if c.is_cloze and c.answer == "BigGAN"]
    assert [c.front for c in cards] == ["[...] is DeepMind's model for images."]
    assert cards[0].back == "BigGAN is DeepMind's model for images."
    assert cards[0].back_segments() == [("BigGAN", True), (" is DeepMind's model for images.", False)]
    # StyleGAN and StyleGAN2 share every fact: one cloze names both, or none does.
    assert not any(c.is_cloze and c.answer in ("StyleGAN", "StyleGAN2") for c in CARDS[LLM])


def test_three_categories_are_offered_by_name() -> None:
    cards = fronts(CARDS["sql-vs-nosql"])
    redis = cards["Is Redis a relational database, a document database or another NoSQL database?"]
    assert redis.back == "Redis: a NoSQL database, but not a document database."
    mongo = cards["Is MongoDB a relational database, a document database or another NoSQL database?"]
    assert mongo.back == "MongoDB: a document database (and so also NoSQL)."
    assert "Cypher" in {c.back for c in CARDS["sql-vs-nosql"]}  # Neo4j's query language, distinctive


def test_leaf_without_exclusive_label_still_names_its_ancestor() -> None:
    data = load_yaml(DEFAULT_BANK)
    llm = next(c for c in data["categories"] if c["id"] == "llm")
    del llm["exclusive_label"], llm["application_label"]
    cards = fronts(derive_cards(reload(data)))
    assert cards["Is LLaMA an LLM?"].back == "Yes. LLaMA: LLM, and so also Generative AI."


# -- the rest of the bank reaches cards ------------------------------------------------------
@pytest.mark.parametrize("name", sorted(BANKS))
def test_every_part_of_the_bank_reaches_a_card(name: str) -> None:
    bank, cards = BANKS[name], CARDS[name]
    for app in bank.applications:
        assert any(f'"{app.name}"' in c.front for c in cards), app.name
    for method in bank.methods:
        assert any(c.topic == "methods" and method.name in c.front for c in cards), method.name
    for note in (*bank.differences, *bank.similarities):
        assert any(f'"{note.title}"' in c.front for c in cards), note.title
    for category in bank.categories:
        assert any(f'"{category.name}"' in c.front for c in cards if c.id.split(":")[1] == "def"), category.name


def test_the_default_banks_strengths_and_weaknesses_have_cards() -> None:
    cards = [c for c in CARDS[LLM] if c.topic == "pros_cons"]
    assert len(cards) >= len(BANKS[LLM].pros_cons)


def test_topic_order_and_grouping() -> None:
    cards = CARDS["sql-vs-nosql"]
    order = list(TOPICS)
    assert [order.index(c.topic) for c in cards] == sorted(order.index(c.topic) for c in cards)
    groups = cards_by_topic(reversed(cards))
    assert list(groups) == [t for t in TOPICS if any(c.topic == t for c in cards)]
    assert sum(len(g) for g in groups.values()) == len(cards)
    assert topic_titles(BANKS["sql-vs-nosql"])["methods"] == "Query languages"


# -- ids ----------------------------------------------------------------------------------
def test_cards_about_an_unchanged_subject_keep_their_old_ids() -> None:
    """The mapping README.md documents: old "X — what is it?" -> "Is X an LLM?", reworded cards by reworded_from."""
    ids = {c.front: c.id for c in CARDS[LLM]}
    assert ids["Is LLaMA an LLM?"] == card_id(LLM, "item", "LLaMA")
    assert ids["Are GPT, GPT-2, GPT-3 and GPT-4 LLMs?"] == card_id(LLM, "item", "GPT")
    assert ids['Which technology does the application "Paraphrasing" need?'] == card_id(LLM, "app", "Paraphrasing")
    assert ids["Who uses the training method or architecture Transformers?" if any(
        "or architecture" in f for f in ids) else "Who uses the training method Transformers?"] == card_id(
        LLM, "method", "transformers")
    assert ids["What does LLM stand for?"] == card_id(
        LLM, "card", "What does LLM stand for, and how does it relate to Generative AI?")
    faq = "Can Generative AI and LLMs be used together in a single application?"
    assert ids[faq] == card_id(LLM, "card", faq)
    sql = {c.front: c.id for c in CARDS["sql-vs-nosql"]}
    assert sql["What kind of NoSQL store is Cassandra?"] == card_id(
        "sql-vs-nosql", "card", "What kind of database is Cassandra?")


def test_ids_survive_unrelated_edits() -> None:
    data = load_yaml(DEFAULT_BANK)
    before = derive_cards(reload(data))
    assert before == CARDS[LLM]  # the YAML round trip changes nothing

    edited = copy.deepcopy(data)
    for key in ("items", "applications", "methods", "dimensions", "statements", "cards"):
        edited[key].reverse()
    edited["applications"][0]["explanation"] = "A reworded explanation."
    edited["cards"][0]["back"] = "A reworded answer."
    after = fronts(derive_cards(reload(edited)))
    for front, card in fronts(before).items():
        assert after[front].id == card.id, front
    assert after[edited["cards"][0]["front"]].back == "A reworded answer."


def test_renaming_a_subject_changes_only_the_ids_about_it() -> None:
    data = load_yaml(SECOND_BANK)
    before = derive_cards(reload(data))
    next(i for i in data["items"] if i["name"] == "Redis")["name"] = "Valkey"
    after = derive_cards(reload(data))
    gone = [c for c in before if c.id not in {a.id for a in after}]
    came = [c for c in after if c.id not in {b.id for b in before}]
    assert gone and all("Redis" in c.front + c.back for c in gone)
    # Valkey's cards, one more than Redis had: "Redis Ltd" gave Redis's maker away, "Valkey" does not.
    assert came and all("Valkey" in c.front + c.back for c in came)


def test_ids_do_not_depend_on_case_or_spacing_of_the_subject() -> None:
    data = load_yaml(DEFAULT_BANK)
    card = data["cards"][0]
    before = fronts(derive_cards(reload(data)))[card["front"]]
    card["front"] = card["front"].upper().replace(" ", "  ")
    after = fronts(derive_cards(reload(data)))[card["front"]]
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


# -- hand-written cards: cloze notes and the bank fields ----------------------------------------
def test_a_hand_written_cloze_is_one_card_per_gap() -> None:
    acid = [c for c in CARDS["sql-vs-nosql"] if c.is_cloze and c.cloze.startswith("ACID")]
    assert [c.answer for c in acid] == ["Atomicity", "Consistency", "Isolation", "Durability"]
    assert len({c.note for c in acid}) == 1 and len({c.id for c in acid}) == 4
    # It was the front/back card "What does ACID stand for?": its first gap keeps that card's id.
    assert acid[0].id == card_id("sql-vs-nosql", "card", "What does ACID stand for?")
    assert acid[1].front == ("ACID, the guarantees of a database transaction, stands for Atomicity, [...], Isolation "
                             "and Durability.")


def test_the_bank_rejects_a_plain_card_without_a_back() -> None:
    data = load_yaml(SECOND_BANK)
    data["cards"].append({"front": "What is a join?", "topic": "faq", "source": {"note": "Well known: joins."}})
    with pytest.raises(BankError, match="back is required"):
        reload(data)
    data["cards"][-1]["front"] = "A {{c1::join}} combines rows of two tables."
    assert any(c.answer == "join" for c in derive_cards(reload(data)))


def test_cloze_markup() -> None:
    markup = "{{c1::BigGAN}} is {{c2::DeepMind::a lab}}'s; {{c1::again}}"
    assert cloze_numbers(markup) == [1, 2]
    assert cloze_front(markup, 1) == "[...] is DeepMind's; [...]"
    assert cloze_front(markup, 2) == "BigGAN is [a lab]'s; again"
    assert cloze_text(markup) == "BigGAN is DeepMind's; again"


plain = st.text(alphabet=st.characters(blacklist_characters="{}:"), max_size=20)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(plain, plain, st.integers(min_value=1, max_value=5)), min_size=1, max_size=6), plain)
def test_cloze_parsing_round_trips(parts: list[tuple[str, str, int]], tail: str) -> None:
    gaps = [(text, gap.strip() or "x", n) for text, gap, n in parts]
    markup = "".join(f"{text}{{{{c{n}::{gap}}}}}" for text, gap, n in gaps) + tail
    assert cloze_text(markup) == "".join(text + gap for text, gap, _ in gaps) + tail
    assert cloze_numbers(markup) == sorted({n for _, _, n in gaps})
    for number in cloze_numbers(markup):
        assert "{{" not in cloze_front(markup, number)


# -- the order new cards come in --------------------------------------------------------------
def test_new_cards_are_interleaved_and_fixed_per_learner() -> None:
    cards = CARDS[LLM]
    ada, ada_again, bob = interleaved(cards, "user:1"), interleaved(cards, "user:1"), interleaved(cards, "user:2")
    assert ada == ada_again and ada != bob
    assert sorted(c.id for c in ada) == sorted(c.id for c in cards)
    for order in (ada, bob):
        pairs = list(zip(order, order[1:], strict=False))
        assert not any(a.subject == b.subject for a, b in pairs[:100]), "cards about one thing in a row"
        first = order[:20]  # a day's new cards mix topics
        assert len({c.topic for c in first}) >= 3
        assert len({c.subject for c in first}) == 20


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from("abcd"), max_size=40), st.text(max_size=8))
def test_interleaving_keeps_subjects_apart_while_it_can(subjects: list[str], learner: str) -> None:
    cards = [Flashcard(f"t:x:{i}", "t", "faq", f"{i}?", str(i), "s", subject) for i, subject in enumerate(subjects)]
    order = interleaved(cards, learner)
    assert sorted(c.id for c in order) == sorted(c.id for c in cards)
    for i, (a, b) in enumerate(zip(order, order[1:], strict=False)):
        if a.subject == b.subject:  # only once every other subject has run out
            assert all(c.subject == a.subject for c in order[i:])


def test_deriving_cards_never_scans_the_bank_per_card(monkeypatch: pytest.MonkeyPatch) -> None:
    """FactBank finds entries by scanning its tuples; per card that is quadratic in an uploaded bank's size."""
    bank = BANKS[LLM]

    def scan(*_args: object) -> None:
        raise AssertionError("a per-card scan of the bank")

    for name in ("category", "organization", "method", "modality", "cite", "ancestors", "is_member", "org_chain",
                 "methods_of_category"):
        monkeypatch.setattr(FactBank, name, scan)
    monkeypatch.setattr(FactBank, "document_map", property(scan))
    assert derive_cards(bank) == CARDS[LLM]


def test_faqs_become_cards_when_no_hand_written_card_asks_them() -> None:
    data = load_yaml(DEFAULT_BANK)
    assert data.get("faqs"), "the default bank's FAQs"
    before = fronts(CARDS[LLM])
    data["cards"] = [c for c in data["cards"] if c.get("topic") != "faq"]
    after = fronts(derive_cards(reload(data)))
    for faq in data["faqs"]:
        card = after[faq["question"]]
        assert card.id == before[faq["question"]].id and card.topic == "faq"  # the same card, schedules kept
        assert card.back == " ".join(faq["answer"].split())
