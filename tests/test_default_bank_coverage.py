"""The default fact bank (question_bank/llm-vs-genai.yaml) covers every fact of its two seed articles.

The expectations are read from the articles in shared/seeds/ wherever the
articles have a parseable shape (bullet lists, headings, the summary table), so
a model, application, dimension or FAQ that the bank leaves out makes a test
fail. The bank itself is read with plain ``yaml.safe_load``; a last test also
loads it through quizapp's own loader when that exists.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

MAIN = Path(__file__).resolve().parents[1]
BANK_PATH = MAIN / "question_bank" / "llm-vs-genai.yaml"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_000 = "000_0ae816459453b010.txt"  # LLM vs Generative AI: A Comprehensive Comparison
SEED_001 = "001_03ea011f5ca9663b.txt"  # Generative AI vs. LLM: A Comparative Analysis

BULLET = "\u2022"
# The article's misspelling, mapped to the model's real name.
NAME_FIXES = {"Stabile Diffusion": "Stable Diffusion"}
# Named in the articles' running text rather than in a model list.
PRODUCTS_IN_TEXT = ("ChatGPT", "Midjourney")

pytestmark = pytest.mark.skipif(
    not (SEEDS / SEED_000).is_file() or not (SEEDS / SEED_001).is_file(),
    reason=f"seed articles not found in {SEEDS} (shared/seeds/ must sit beside the main checkout)",
)


# -- fixtures -----------------------------------------------------------------


@pytest.fixture(scope="module")
def bank() -> dict:
    data = yaml.safe_load(BANK_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "the bank must be a YAML mapping"
    return data


@pytest.fixture(scope="module")
def seed0() -> list[str]:
    return _lines(SEED_000)


@pytest.fixture(scope="module")
def seed1() -> list[str]:
    return _lines(SEED_001)


# -- seed parsing helpers -------------------------------------------------------


def _lines(name: str) -> list[str]:
    return [line.strip() for line in (SEEDS / name).read_text(encoding="utf-8").splitlines()]


def _index(lines: list[str], heading: str, start: int = 0) -> int:
    for i in range(start, len(lines)):
        if lines[i] == heading:
            return i
    raise AssertionError(f"heading {heading!r} not found in the seed (did the article change?)")


def _bullets_after(lines: list[str], heading: str, start: int = 0) -> list[str]:
    """The first run of bullet lines after ``heading`` (blank lines and an intro line allowed)."""
    i = _index(lines, heading, start) + 1
    out: list[str] = []
    for line in lines[i:]:
        if line.startswith(BULLET):
            out.append(line.lstrip(BULLET).strip())
        elif out and line:
            break
    assert out, f"no bullet list found under {heading!r}"
    return out


def _between(lines: list[str], first: str, last: str) -> list[str]:
    return lines[_index(lines, first) + 1:_index(lines, last)]


def _subheadings(lines: list[str], first: str, last: str) -> list[str]:
    """Short heading lines (non-empty, no final period) between two headings."""
    return [line for line in _between(lines, first, last) if line and not line.endswith(".")]


def _model_names(bullet: str) -> tuple[list[str], str | None]:
    """'Dall-E, Dall-E 2, Dall-E 3 by OpenAi' -> (['Dall-E', 'Dall-E 2', 'Dall-E 3'], 'OpenAi').

    'GPT Family by OpenAI: GPT, GPT-2, GPT-3, GPT-4' -> (['GPT', ..., 'GPT-4'], 'OpenAI').
    """
    org = None
    head, colon, tail = bullet.partition(":")
    names_part = tail if colon else head
    by = re.search(r"\s+by\s+(.+)$", head)
    if by:
        org = by.group(1).strip()
        if not colon:
            names_part = head[:by.start()]
    names = [n.strip() for n in re.split(r",|&", names_part) if n.strip()]
    return [NAME_FIXES.get(n, n) for n in names], org


def _seed_models(lines: list[str]) -> dict[str, tuple[str, str | None]]:
    """Every model in seed 000's two model lists: name -> (category id, organization as written)."""
    models: dict[str, tuple[str, str | None]] = {}
    for heading, category in (("Popular Generative AI Models", "genai"), ("Popular LLMs", "llm")):
        for bullet in _bullets_after(lines, heading):
            names, org = _model_names(bullet)
            for name in names:
                models[name] = (category, org)
    return models


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


# -- bank helpers ---------------------------------------------------------------------


def _by_name(bank: dict, key: str, field: str = "name") -> dict[str, dict]:
    return {entry[field]: entry for entry in bank.get(key) or []}


def _all_sources(bank: dict):
    """(where, source) for every entry's source and every item attribute source."""
    for key in ("categories", "organizations", "modalities", "methods", "items", "applications",
                "dimensions", "differences", "similarities", "pros_cons", "statements", "cards"):
        entries = bank.get(key) or []
        assert entries, f"{key} must not be empty"
        for i, entry in enumerate(entries):
            label = entry.get("name") or entry.get("id") or entry.get("title") or entry.get("text") \
                or entry.get("front")
            where = f"{key}[{i}] ({label})"
            yield where, entry.get("source")
            for attr, source in (entry.get("attribute_sources") or {}).items():
                yield f"{where}: attribute_sources.{attr}", source


# -- document, categories, sources -----------------------------------------------------


def test_header_and_documents(bank, seed0, seed1):
    assert bank["format"] == "quizapp-factbank/1"
    assert bank["slug"] == "llm-vs-genai"
    docs = {d["file"]: d["title"] for d in bank["documents"]}
    assert set(docs) == {SEED_000, SEED_001}
    # Each title is the article's own title line.
    assert docs[SEED_000] in seed0[:3]
    assert docs[SEED_001] in seed1


def test_llm_is_a_kind_of_generative_ai(bank):
    cats = _by_name(bank, "categories", "id")
    assert set(cats) == {"genai", "llm"}
    assert cats["llm"].get("parent") == "genai"
    assert cats["genai"].get("parent") is None
    for cat in cats.values():
        assert cat.get("definition"), f"category {cat['id']} needs a definition"
    genai = cats["genai"]
    assert "not" in genai["exclusive_label"].lower(), "genai's exclusive label must exclude language models"
    assert "more than an llm" in genai["application_label"].lower()
    assert "generative ai" in cats["llm"]["exclusive_label"].lower(), "an LLM's label must say it is Generative AI"


def test_every_entry_cites_a_real_section_or_a_well_known_note(bank, seed0, seed1):
    headings = {SEED_000: set(seed0), SEED_001: set(seed1)}
    problems = []
    for where, source in _all_sources(bank):
        if not isinstance(source, dict):
            problems.append(f"{where}: no source")
            continue
        if "file" in source:
            file, section = source["file"], source.get("section")
            if file not in headings:
                problems.append(f"{where}: file {file!r} is not one of the documents")
            elif not section:
                problems.append(f"{where}: no section")
            elif section not in headings[file] and not all(
                part in headings[file] for part in section.split(": ")
            ):
                problems.append(f"{where}: section {section!r} is not a heading of {file}")
        elif not str(source.get("note", "")).startswith("Well known:"):
            problems.append(f"{where}: a source without a file must be a 'Well known: ...' note")
    assert not problems, "\n".join(problems)


# -- items ------------------------------------------------------------------------------


def test_every_model_of_the_seed_lists_is_an_item(bank, seed0, seed1):
    seed_models = _seed_models(seed0)
    # The lists really were parsed (9 bullets + 9 bullets in the article).
    assert len(seed_models) >= 20, seed_models
    assert {"Dall-E 3", "Stable Diffusion", "StyleGAN2", "GPT-4", "PaLM", "Falcon"} <= set(seed_models)
    items = _by_name(bank, "items")
    missing = sorted(set(seed_models) - set(items))
    assert not missing, f"models named in the seeds but missing from items: {missing}"
    for name, (category, _org) in seed_models.items():
        assert items[name]["category"] == category, f"{name} must be in category {category}"


def test_products_named_in_the_text_are_items(bank, seed0, seed1):
    text = "\n".join(seed0 + seed1)
    items = _by_name(bank, "items")
    for name in PRODUCTS_IN_TEXT:
        assert name in text, f"{name} is no longer in the seeds"
        assert name in items, f"{name} is named in the seeds but is not an item"
    assert items["ChatGPT"]["category"] == "llm"
    assert items["Midjourney"]["category"] == "genai"


def test_item_organizations_follow_the_seeds(bank, seed0):
    items = _by_name(bank, "items")
    orgs = _by_name(bank, "organizations", "id")
    for name, (_category, org) in _seed_models(seed0).items():
        if org is None:
            continue
        org_id = items[name].get("organization")
        assert org_id, f"the seed says {name} is by {org}, but the item has no organization"
        assert _norm(orgs[org_id]["name"]) == _norm(org), f"{name}: seed says {org}, bank says {orgs[org_id]['name']}"
    # Models whose maker the seeds do not state get one only with a well-known note.
    for name in ("Claude", "Falcon", "ChatGPT", "Midjourney", "Stable Diffusion"):
        item = items[name]
        assert item.get("organization"), f"{name} needs its well-known organization"
        note = (item.get("attribute_sources") or {}).get("organization", {}).get("note", "")
        assert note.startswith("Well known:"), f"{name}: organization needs a 'Well known:' source"
    for name in ("CycleGAN", "DCGAN"):
        assert not items[name].get("organization"), f"{name} has no single maker: leave organization out"


def test_deepmind_is_part_of_google(bank):
    orgs = _by_name(bank, "organizations", "id")
    assert orgs["deepmind"].get("part_of") == "google"
    assert _by_name(bank, "items")["BigGAN"]["organization"] == "deepmind"


def test_item_modalities_and_methods(bank):
    items = _by_name(bank, "items")
    modalities = {m["id"] for m in bank["modalities"]}
    assert {"text", "image", "music"} <= modalities
    for name, item in items.items():
        assert item.get("modality"), f"{name} needs a modality"
        assert set(item["modality"]) <= modalities
        if item["category"] == "llm":
            assert "text" in item["modality"], f"{name} is an LLM: it produces text"
            assert item.get("method") == "transformers", f"{name} is an LLM: modern LLMs use Transformers"
        if "GAN" in name:
            assert item.get("method") == "gans", f"{name} is a GAN"
    for name in ("MusicGen", "MuseNet"):
        assert items[name]["modality"] == ["music"]
        assert items[name]["method"] == "transformers"
    assert items["Stable Diffusion"]["method"] == "diffusion"
    assert "transformers" in items["Stable Diffusion"].get("related_methods", [])
    for name in ("Dall-E", "Dall-E 2", "Dall-E 3", "Midjourney", "DeepDream"):
        assert items[name]["modality"] == ["image"]
        assert not items[name].get("method"), f"{name}'s method is mixed or unknown: leave it out"


# -- methods ------------------------------------------------------------------------------


def test_the_four_training_methods(bank, seed0, seed1):
    methods = _by_name(bank, "methods", "id")
    assert set(methods) == {"transformers", "gans", "diffusion", "vaes"}
    text0, text1 = "\n".join(seed0), "\n".join(seed1)
    for word in ("GANs", "Diffusion", "Transformers"):
        assert word in text0
    assert "variational autoencoders (VAEs)" in text1
    for method in methods.values():
        assert "genai" in method["used_by"] or "llm" in method["used_by"]
        assert method.get("description"), f"method {method['id']} needs a description"
    assert "llm" in methods["transformers"]["used_by"]
    for mid in ("gans", "diffusion", "vaes"):
        assert methods[mid]["used_by"] == ["genai"], f"{mid} is not how LLMs are trained"


# -- applications ---------------------------------------------------------------------------


def test_seed_000_application_lists_are_covered(bank, seed0):
    apps = bank["applications"]
    genai_list = _bullets_after(seed0, "Practical Applications")
    llm_list = _bullets_after(seed0, "Practical Applications", _index(seed0, "Popular LLMs"))
    assert len(genai_list) == 5 and len(llm_list) == 7, (genai_list, llm_list)
    for bullets, category in ((genai_list, "genai"), (llm_list, "llm")):
        for bullet in bullets:
            for part, needs in SPLIT_BULLETS.get(bullet, [(bullet, category)]):
                hits = [a for a in apps if _norm(part) in _norm(a["name"])]
                assert hits, f"application {part!r} of seed 000 is not in the bank"
                assert all(a["category"] == needs for a in hits), f"{part!r} must be tied to {needs}"
    transcription = next(a for a in apps if "transcription" in _norm(a["name"]))
    assert "audio" in _norm(transcription["explanation"]), "say why transcription needs more than an LLM"


# Seed 000 lists "Language translation and transcription" as one LLM use; transcription takes
# recorded speech in, which an LLM alone cannot hear, so the bank has two applications.
SPLIT_BULLETS = {"Language translation and transcription": [("Language translation", "llm"),
                                                            ("Transcription", "genai")]}


# The eight industries of seed 001: (heading in the article, keyword, technology it needs).
INDUSTRIES = [
    ("Healthcare", "medical", "llm"),
    ("Customer Service", "inquiries", "llm"),
    ("Law", "legal", "llm"),
    ("Education", "grading", "llm"),
    ("Art & Content Creation", "blogs", "genai"),
    ("Art & Content Creation", "emails", None),  # marketing: a judgement call, checked below
    ("Media & Entertainment", "visual effects", "genai"),
    ("AI Model Development", "synthetic", "genai"),
]


def test_seed_001_industries_are_covered(bank, seed1):
    apps = bank["applications"]
    text = _norm("\n".join(seed1))
    for heading, keyword, category in INDUSTRIES:
        assert heading in seed1, f"industry heading {heading!r} not in seed 001"
        assert keyword in text, f"keyword {keyword!r} not in seed 001"
        hits = [a for a in apps if keyword in _norm(a["name"])
                and a["source"].get("file") == SEED_001 and a["source"].get("section") == heading]
        assert all(a.get("industry") for a in hits), f"{keyword!r}: say which industry it is for"
        assert hits, f"no application covers seed 001's {heading!r} ({keyword!r})"
        if category:
            assert all(a["category"] == category for a in hits), f"{keyword!r} must be tied to {category}"
    melodies = [a for a in apps if "melod" in _norm(a["name"])]
    assert melodies and all(a["category"] == "genai" for a in melodies)
    # Marketing's examples are all text: tied to llm, the explanation must say why
    # an LLM (which is Generative AI) is enough.
    marketing = [a for a in apps if a.get("industry") == "Marketing"]
    assert marketing, "the marketing application names its industry"
    for app in marketing:
        if app["category"] == "llm":
            assert "generative ai" in _norm(app["explanation"]) and "llm" in _norm(app["explanation"])


def test_seed_000_difference_applications_are_covered(bank):
    names = [_norm(a["name"]) for a in bank["applications"]]
    for word in ("music", "deepfake", "summariz", "video"):
        assert any(word in n for n in names), f"no application about {word!r}"


def test_applications_are_unique_and_explained(bank):
    names = [_norm(a["name"]) for a in bank["applications"]]
    assert len(names) == len(set(names)), [n for n, c in Counter(names).items() if c > 1]
    for app in bank["applications"]:
        assert app["category"] in {"genai", "llm"}
        assert app.get("explanation"), f"{app['name']} needs an explanation"


# -- summary table, differences, similarities, pros and cons ------------------------------------


def test_dimensions_are_the_summary_table_rows(bank, seed0):
    header = _index(seed0, "LLM (Language Model) Generative AI")
    rows = []
    for line in seed0[header + 1:]:
        if not line:
            break
        rows.append(line)
    assert len(rows) == 7, rows
    dims = _by_name(bank, "dimensions")
    for row in rows:
        matched = [name for name in dims if row.startswith(name + " ")]
        assert len(matched) == 1, f"table row {row[:40]!r} matches dimensions {matched}"
    assert len(dims) == len(rows)
    for name, dim in dims.items():
        assert set(dim["values"]) == {"llm", "genai"}
        assert dim.get("shared", False) is (name in {"Fine Tuning", "Foundation"}), name
        if not dim.get("shared"):
            assert dim["values"]["llm"] != dim["values"]["genai"]


def test_differences_and_similarities(bank, seed0, seed1):
    expected_diffs = _subheadings(seed0, "LLM vs Generative AI: Differences", "LLM vs Generative AI: Similarities") \
        + _subheadings(seed1, "The Core Differences Between Generative AI & LLMs",
                       "Strengths & Weaknesses of Generative AI & LLM")
    assert len(expected_diffs) == 6, expected_diffs
    assert sorted(d["title"] for d in bank["differences"]) == sorted(expected_diffs)
    expected_sims = _subheadings(seed0, "LLM vs Generative AI: Similarities", "Summary")
    assert expected_sims == ["Overlap", "Foundation", "Fine-Tuning"], expected_sims
    assert sorted(s["title"] for s in bank["similarities"]) == sorted(expected_sims)
    for note in bank["differences"] + bank["similarities"]:
        assert note.get("text")


def test_pros_and_cons_one_entry_per_point(bank):
    counts = Counter((p["category"], p["kind"]) for p in bank["pros_cons"])
    assert counts == {("genai", "pro"): 3, ("genai", "con"): 3, ("llm", "pro"): 2, ("llm", "con"): 2}
    sections = {"genai": "Pros & Cons of Generative AI", "llm": "Advantages & Disadvantages of LLMs"}
    for p in bank["pros_cons"]:
        assert p["source"] == {"file": SEED_001, "section": sections[p["category"]]}


# -- statements and cards --------------------------------------------------------------------


def test_statements(bank):
    statements = bank["statements"]
    assert len(statements) >= 25
    truth = Counter(s["answer"] for s in statements)
    assert set(truth) == {True, False}
    assert min(truth.values()) >= 0.4 * len(statements), f"true/false not balanced: {truth}"
    texts = [_norm(s["text"]) for s in statements]
    assert len(texts) == len(set(texts))
    for s in statements:
        assert s.get("explanation"), f"statement {s['text']!r} needs an explanation"
    by_text = {_norm(s["text"]): s["answer"] for s in statements}
    assert by_text[_norm("Every LLM is a kind of Generative AI.")] is True
    assert by_text[_norm("Every Generative AI model is an LLM.")] is False
    assert any("non-overlapping" in t and not a for t, a in by_text.items())


def test_faq_cards(bank, seed1):
    start = _index(seed1, "Questions?")
    questions = [line.lstrip(BULLET).strip() for line in seed1[start:]
                 if line.startswith(BULLET) and line.endswith("?")]
    assert len(questions) == 6, questions
    faq = [c for c in bank["cards"] if c.get("topic") == "faq"]
    fronts = {_norm(c["front"]) for c in faq}
    for question in questions:
        assert _norm(question) in fronts, f"FAQ {question!r} is not a card front"
    assert len(faq) == 6
    for card in bank["cards"]:
        assert card.get("back")
        assert card.get("topic") in {"models", "applications", "methods", "dimensions", "pros_cons", "faq"}


# -- quizapp's own loader ------------------------------------------------------------------------


def test_bank_loads_through_quizapp_loader():
    if not (MAIN / "quizapp" / "core" / "bank_loader.py").is_file():
        pytest.skip("quizapp/core/bank_loader.py does not exist yet")
    if str(MAIN) not in sys.path:
        sys.path.insert(0, str(MAIN))
    from quizapp.core.bank_loader import BankError, load_bank_file

    try:
        loaded = load_bank_file(BANK_PATH)
    except BankError as exc:  # pragma: no cover - the message is the point
        pytest.fail("the bank does not load:\n" + "\n".join(exc.problems))
    assert loaded.slug == "llm-vs-genai"
    assert len(loaded.items) == len(yaml.safe_load(BANK_PATH.read_text(encoding="utf-8"))["items"])


# -- reachability: every seed claim listed above is mentioned by at least one flashcard -----------------
# (the card half of issue 8 §3; the question half lives in its own tests). Cards are derived with
# quizapp's own loader and quizapp.core.cards, so this checks what a learner is shown, not the YAML.

_CARD_STOPWORDS = {"and", "the", "for", "with", "from", "that", "this", "their", "into", "can", "its"}


@pytest.fixture(scope="module")
def cards() -> list:
    if str(MAIN) not in sys.path:
        sys.path.insert(0, str(MAIN))
    from quizapp.core.bank_loader import load_bank_file
    from quizapp.core.cards import derive_cards

    return derive_cards(load_bank_file(BANK_PATH))


def _stems(text: str) -> str:
    """Lower-case words without a plural "s": "Question & Answer Systems" -> "question answer system"."""
    words = re.findall(r"[\w-]+", text.casefold())
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words)


def _card_texts(cards) -> list[str]:
    return [f"{c.front}\n{c.back}" for c in cards]


def _reached(phrase: str, cards) -> bool:
    """Some card mentions the phrase; "A and B" counts when A and B are each mentioned."""
    texts = [f" {_stems(t)} " for t in _card_texts(cards)]
    parts = [p for p in re.split(r"\band\b", phrase) if p.strip()]
    return all(any(f" {_stems(part)} " in text for text in texts) for part in parts)


def test_cards_reach_every_seed_model(seed0, cards):
    names = [*_seed_models(seed0), *PRODUCTS_IN_TEXT]
    texts = _card_texts(cards)
    for name in names:
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
        assert any(pattern.search(t) for t in texts), f"no card mentions the model {name!r}"


def test_cards_reach_every_seed_000_application(seed0, cards):
    genai_list = _bullets_after(seed0, "Practical Applications")
    llm_list = _bullets_after(seed0, "Practical Applications", _index(seed0, "Popular LLMs"))
    for bullet in genai_list + llm_list:
        assert _reached(bullet, cards), f"no card mentions the application {bullet!r}"
    for word in ("music", "deepfake", "summariz", "video"):
        assert any(word in t.casefold() for t in _card_texts(cards)), f"no card mentions {word!r}"


def test_cards_reach_every_seed_001_industry(seed1, cards):
    for heading, _keyword, _category in INDUSTRIES:
        assert any(c.source.endswith(f"— {heading}") for c in cards), f"no card comes from seed 001's {heading!r}"


def test_cards_reach_the_summary_table_differences_and_similarities(bank, cards):
    fronts = [c.front for c in cards]
    # "Popular Models" and "Applications" are lists: each member has its own card (the two tests above).
    for name in (d["name"] for d in bank["dimensions"] if d["name"] not in ("Popular Models", "Applications")):
        assert any(f'"{name}"' in f for f in fronts), f"no card asks about the summary table's {name!r}"
    for note in bank["differences"] + bank["similarities"]:
        assert any(f'"{note["title"]}"' in f for f in fronts), f"no card asks about {note['title']!r}"


def test_cards_reach_every_strength_and_weakness(bank, cards):
    topic_cards = [c for c in cards if c.topic == "pros_cons"]
    for point in bank["pros_cons"]:
        words = set(_stems(point["text"]).split()) - _CARD_STOPWORDS - {"generative", "llm", "ai"}
        best = max(len(words & set(_stems(f"{c.front} {c.back}").split())) for c in topic_cards)
        assert best >= 3, f"no strengths-and-weaknesses card asks about {point['text']!r}"


def test_cards_reach_the_faqs_and_the_named_claims(seed1, cards):
    start = _index(seed1, "Questions?")
    questions = [line.lstrip(BULLET).strip() for line in seed1[start:]
                 if line.startswith(BULLET) and line.endswith("?")]
    fronts = {_norm(c.front) for c in cards}
    for question in questions:
        assert _norm(question) in fronts, f"the FAQ {question!r} is no card's front"
    texts = [t.casefold() for t in _card_texts(cards)]
    for claim in ("self-attention", "deepfake", "synthetic data", "vae", "deep learning", "subset"):
        assert any(claim in t for t in texts), f"no card mentions {claim!r}"
    assert any(all(w in t for w in ("fine-tun", "law", "finance", "healthcare")) for t in texts), \
        "no card says LLMs are fine-tuned for law, finance and healthcare"


def test_cards_cite_the_article_that_says_it(seed1, cards):
    """VAEs and self-attention appear only in the second article, so a card about them cites it."""
    second = "Generative AI vs. LLM: A Comparative Analysis"
    assert second in "\n".join(seed1[:5])
    for claim in ("self-attention", "vae"):
        about = [c for c in cards if claim in f"{c.front}\n{c.back}".casefold()]
        assert about and all(second in c.source for c in about), [(c.front, c.source) for c in about]


# -- reachability: every seed claim reaches at least one generated question ------------------------------
# (the question half of issue 8 §3). Pools of several seeds are generated with quizapp's own
# generators; a claim is reached when a question's prompt, options, rows or explanation says it.


@pytest.fixture(scope="module")
def question_texts() -> list[str]:
    if str(MAIN) not in sys.path:
        sys.path.insert(0, str(MAIN))
    from quizapp.core.bank_loader import load_bank_file
    from quizapp.core.generators import question_pool

    loaded = load_bank_file(BANK_PATH)
    texts = []
    for seed in range(12):
        for questions in question_pool(loaded, seed).values():
            for q in questions:
                rows = " ".join(f"{left} {right}" for left, right in q.pairs)
                texts.append(_norm(f"{q.prompt} {' '.join(q.options)} {rows} {q.explanation}"))
    return texts


def _asked(phrase: str, texts: list[str]) -> bool:
    return any(_norm(phrase) in t for t in texts)


def test_questions_reach_every_seed_model(seed0, question_texts):
    for name in [*_seed_models(seed0), *PRODUCTS_IN_TEXT]:
        pattern = re.compile(rf"(?<![\w-]){re.escape(name.casefold())}(?![\w-])")
        assert any(pattern.search(t) for t in question_texts), f"no question asks about {name!r}"


def test_questions_reach_every_application_and_industry(bank, question_texts):
    for app in bank["applications"]:
        assert _asked(app["name"], question_texts), f"no question asks about the application {app['name']!r}"
    for heading, _keyword, _category in INDUSTRIES:
        industry = "Marketing" if _keyword == "emails" else heading
        assert _asked(industry, question_texts), f"no question names the industry {industry!r}"


def test_questions_reach_the_table_differences_similarities_and_pros_cons(bank, question_texts):
    for dim in bank["dimensions"]:
        if not dim.get("shared"):
            assert _asked(f'"{dim["name"]}"', question_texts), f"no question asks about {dim['name']!r}"
    for note in bank["differences"]:
        for side in note["sides"].values():
            assert _asked(side, question_texts), f"no question offers {note['title']!r}: {side!r}"
    for note in bank["similarities"]:
        if note["title"] != "Overlap":  # the overlap is the statements' "Every LLM is a kind of Generative AI"
            assert _asked(note["text"], question_texts), f"no question offers the similarity {note['title']!r}"
    for point in bank["pros_cons"]:
        assert _asked(point["text"], question_texts), f"no question offers {point['text']!r}"


def test_questions_reach_the_second_articles_differences(question_texts):
    for title in ("Functionality & Performance", "Flexibility & Adaptability", "Efficiency & Accuracy"):
        assert _asked(f'on "{title}"', question_texts), f"no question explains the difference {title!r}"


def test_questions_reach_the_faqs_statements_and_named_claims(bank, seed1, question_texts):
    start = _index(seed1, "Questions?")
    for line in seed1[start:]:
        if line.startswith(BULLET) and line.endswith("?"):
            question = line.lstrip(BULLET).strip()
            assert _asked(question, question_texts), f"the FAQ {question!r} is asked by no question"
    for statement in bank["statements"]:
        assert _asked(statement["text"], question_texts), f"the statement {statement['text']!r} is never asked"
    for claim in ("self-attention", "deepfake", "synthetic data", "vaes", "deep learning", "subset",
                  "overlap"):
        assert _asked(claim, question_texts), f"no question mentions {claim!r}"
    assert any(all(w in t for w in ("fine-tun", "law", "finance", "healthcare")) for t in question_texts), \
        "no question says LLMs are fine-tuned for law, finance and healthcare"
