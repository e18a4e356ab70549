"""The fact-bank loader: valid banks load, and every problem is reported with file, line, entry and field."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from quizapp.core.bank_loader import BankError, load_bank_file, load_bank_text

S = {"file": "a.txt", "section": "Intro"}
MINIMAL = {
    "format": "quizapp-factbank/1",
    "slug": "mini",
    "title": "Mini",
    "documents": [{"file": "a.txt", "title": "A"}],
    "categories": [
        {"id": "genai", "name": "Generative AI", "exclusive_label": "Generative AI, but not an LLM", "source": S},
        {"id": "llm", "name": "LLM", "parent": "genai", "source": S},
    ],
    "organizations": [{"id": "google", "name": "Google", "source": S},
                      {"id": "deepmind", "name": "DeepMind", "part_of": "google", "source": S}],
    "modalities": [{"id": "text", "name": "Text", "source": S}],
    "methods": [{"id": "transformers", "name": "Transformers", "used_by": ["llm"], "source": S}],
    "items": [{"name": "GPT-4", "category": "llm", "organization": "google", "modality": ["text"],
               "method": "transformers", "source": S}],
    "applications": [{"name": "Chatbots", "category": "llm", "source": S}],
    "dimensions": [{"name": "Scope", "values": {"llm": "Text", "genai": "Everything"}, "source": S}],
    "statements": [{"text": "Every LLM is Generative AI.", "answer": True, "explanation": "Subset.", "source": S}],
    "cards": [{"front": "Q?", "back": "A.", "topic": "faq", "source": S}],
}


def load(data: dict, name: str = "bank.yaml"):
    return load_bank_text(yaml.safe_dump(data, sort_keys=False), name)


def problems(data: dict) -> list[str]:
    with pytest.raises(BankError) as info:
        load(data)
    return info.value.problems


def mutate(path: str, value: object) -> dict:
    """A copy of MINIMAL with one value replaced; path like 'items.0.category'. A value of ... deletes."""
    data = copy.deepcopy(MINIMAL)
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    key = int(last) if last.isdigit() else last
    if value is ...:
        del node[key]
    else:
        node[key] = value
    return data


def test_minimal_bank_loads_with_its_subset_relation():
    bank = load(MINIMAL)
    assert bank.slug == "mini"
    assert bank.is_member("llm", "genai") and not bank.is_member("genai", "llm")
    assert bank.category("llm").exclusive_label == "LLM"  # a leaf defaults to its name
    assert bank.category("genai").application_label == "Generative AI, but not an LLM"
    assert bank.org_related("deepmind", "google")
    assert bank.methods_of_category("genai") == {"transformers"}  # inherited from the subset


@pytest.mark.parametrize(("path", "value", "expected"), [
    ("format", "other/2", "format: must be 'quizapp-factbank/1'"),
    ("slug", "Bad Slug", "slug: 'Bad Slug' must be lower-case"),
    ("title", ..., "title is required"),
    ("categories.1.parent", "nope", "categories[1] (llm): parent 'nope' is not a declared category"),
    ("categories.0.exclusive_label", ..., "categories[0] (genai): exclusive_label is required"),
    ("categories.0.parent", "llm", "makes a cycle of subsets"),
    ("categories.1.id", "Bad-Id", "id 'Bad-Id' must be lower-case letters, digits or _"),
    ("organizations.1.part_of", "acme", "organizations[1] (deepmind): part_of 'acme' is not a declared organization"),
    ("items.0.category", "gan", "items[0] (GPT-4): category 'gan' is not a declared category"),
    ("items.0.organization", "openai", "items[0] (GPT-4): organization 'openai' is not a declared organization"),
    ("items.0.modality", ["video"], "modality 'video' is not a declared modality"),
    ("items.0.method", "gans", "method 'gans' is not a declared method"),
    ("items.0.related_methods", ["transformers"], "related_methods must not repeat the method"),
    ("items.0.source", ..., "items[0] (GPT-4): source is required"),
    ("items.0.source", {"file": "b.txt", "section": "X"}, "source file 'b.txt' is not one of the bank's documents"),
    ("items.0.source", {"file": "a.txt"}, "source needs the section"),
    ("items.0.source", "a.txt", "source must be a mapping"),
    ("items.0.colour", "red", "items[0] (GPT-4): unknown field 'colour'"),
    ("applications.0.category", "x", "applications[0] (Chatbots): category 'x' is not a declared category"),
    ("methods.0.used_by", [], "used_by must name at least one category"),
    ("dimensions.0.values", {"llm": "Text"}, "values has no value for category 'genai'"),
    ("dimensions.0.values", {"llm": "Same", "genai": "Same"}, "mark the dimension shared: true"),
    ("dimensions.0.values", {"llm": "a", "genai": "b", "x": "c"}, "values has 'x', which is not a declared category"),
    ("dimensions.0.shared", "yes", "shared must be true or false"),
    ("statements.0.answer", "yes", "answer must be true or false"),
    ("statements.0.text", ..., "statements[0]: text is required"),
    ("cards.0.topic", "misc", "topic 'misc' must be one of"),
    ("cards.0.front", ["a"], "front must be text"),
    ("terms", {"widget": "x"}, "terms: unknown field 'widget'"),
    ("prompts", {"classify": "Where is {place}?"}, "classify uses unknown placeholder {place}"),
    ("prompts", {"classify": "Broken {"}, "classify is not a valid template"),
    ("documents", ..., "documents: is required"),
    ("extra", 1, "unknown top-level key 'extra'"),
    ("items", {"a": 1}, "items: must be a list"),
])
def test_each_problem_is_reported_with_entry_and_field(path, value, expected):
    found = problems(mutate(path, value))
    assert any(expected in p for p in found), found
    assert all(p.startswith("bank.yaml: ") for p in found)


def test_every_problem_is_reported_at_once_with_line_numbers():
    data = mutate("items.0.category", "gan")
    data["applications"][0]["category"] = "nope"
    data["items"].append(copy.deepcopy(data["items"][0]))  # a duplicate name too
    found = problems(data)
    assert len(found) >= 4
    assert any("items[1] (GPT-4): name 'gpt-4' is already used by items[0]" in p for p in found)
    assert all(p.split(": ")[1].startswith("line ") for p in found), found


def test_duplicate_labels_are_rejected_because_options_would_repeat():
    data = mutate("categories.1.exclusive_label", "Generative AI, but not an LLM")
    assert any("exclusive_label 'Generative AI, but not an LLM' is already used" in p for p in problems(data))


def test_yaml_syntax_error_names_line_and_column():
    with pytest.raises(BankError) as info:
        load_bank_text("format: quizapp-factbank/1\nslug: [unclosed\n", "broken.yaml")
    (message,) = info.value.problems
    assert message.startswith("broken.yaml: line ") and "column" in message and "not valid YAML" in message


def test_non_mapping_file_is_rejected():
    with pytest.raises(BankError, match="must be a YAML mapping"):
        load_bank_text("- just\n- a list\n", "list.yaml")


def test_file_errors_name_the_file(tmp_path: Path):
    with pytest.raises(BankError, match="missing.yaml: cannot read the file"):
        load_bank_file(tmp_path / "missing.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: caf\xe9".encode("latin-1"))
    with pytest.raises(BankError, match="latin.yaml: the file is not UTF-8"):
        load_bank_file(latin)


def test_shipped_banks_load(tmp_path: Path):
    from tests.conftest import DEFAULT_BANK, SECOND_BANK

    assert load_bank_file(DEFAULT_BANK).slug == "llm-vs-genai"
    assert load_bank_file(SECOND_BANK).slug == "sql-vs-nosql"
