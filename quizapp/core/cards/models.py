"""The cards about models (a bank's items): one fact each, asked only where it is distinctive (pure).

* **category**: "Is LLaMA an LLM?", or, with more than two categories, "Is Redis a relational
  database, a document database or another NoSQL database?";
* **maker, content, method** (:data:`RELATIONS`): a value only one subject has is asked
  forwards ("Which organization developed BigGAN?"); one that two or three share, the
  other way round ("Which of the deck's models did Google make?"); four to six, as a cloze
  per subject; more, not at all, as a back naming seven models cannot be recalled. A value
  the category implies (every LLM is built on Transformers) is the category's fact, not
  the model's, and a value that echoes the name ("Midjourney, Inc.", StyleGAN's GANs)
  gives itself away: neither is asked;
* **name**: "{{c1::BigGAN}} is DeepMind's GAN model for images", where that description
  fits no other subject.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass

from ..bank import FactBank, Item
from .drafts import Draft, called, cloze_drafts, plural_of, subset_pair
from .lookup import Lookup
from .subjects import Subject, subjects
from .wording import echoes, join, lower_article, lower_first, plural, singular, upper_first

MAX_CLOZE_GROUP = 6


def model_cards(lk: Lookup) -> list[Draft]:
    all_subjects = subjects(lk.bank)
    drafts = [_category_card(lk, s) for s in all_subjects]
    for relation in RELATIONS:
        drafts.extend(_relation_cards(lk, all_subjects, relation))
    drafts.extend(_name_clozes(lk, all_subjects))
    return drafts


# -- category -------------------------------------------------------------------------
def _category_options(bank: FactBank, parent: str | None = None) -> list[str]:
    """ "a relational database", "a document database", "another NoSQL database": each category once."""
    options: list[str] = []
    for category in (c for c in bank.categories if c.parent == parent):
        children = _category_options(bank, category.id)
        options.extend(children)
        options.append(f"another {category.name}" if children else called(category))
    return options


def _category_card(lk: Lookup, subject: Subject) -> Draft:
    bank = lk.bank
    category = lk.category(subject.first.category)
    line = lower_article(lk.category_line(category))
    inner = subset_pair(bank)
    if inner is not None:
        front = (f"Are {subject.name} {plural_of(inner)}?" if subject.is_family
                 else f"Is {subject.name} {called(inner)}?")
        verdict = "Yes" if lk.is_member(category.id, inner.id) else "No"
        back = f"{verdict}. {subject.each}: {line}."
    else:
        front = f"{'Are' if subject.is_family else 'Is'} {subject.name} {join(_category_options(bank), 'or')}?"
        back = f"{subject.each}: {line}."
    return Draft("item", subject.key, "models", front, back, lk.cite(subject.first.source), subject.key)


# -- maker, content, method -----------------------------------------------------------
@dataclass(frozen=True)
class Relation:
    kind: str  # id kind of the forward card (at most 5 characters); the reverse and cloze cards add "s"
    attribute: str  # Item attribute, for its source
    value: Callable[[Item], tuple[str, ...]]  # the value's ids (empty: none)
    name: Callable[[Lookup, tuple[str, ...]], str]  # the value for people
    forward: Callable[[FactBank, Subject], str]  # "Which organization developed BigGAN?"
    reverse: Callable[[FactBank, str], str]  # "Which of the deck's models did Google make?"
    cloze: Callable[[FactBank, str, str], str]  # "Of the deck's models, OpenAI made {gaps}."
    implied: Callable[[Lookup, Item], bool]  # the category says it already


def _items(bank: FactBank) -> str:
    return plural(bank.term("item"))


def _prompt(bank: FactBank, name: str, fallback: str, subject: Subject) -> str:
    """The bank's own prompt for a model question ("Who develops {item}?"), filled in; else ``fallback``."""
    template = bank.prompts.get(name, fallback)
    fields = {key: value for key, value in bank.terms.items()}
    values = {**{f"{k}_term": v for k, v in fields.items()}, **{f"{k}_terms": plural(v) for k, v in fields.items()},
              "item": subject.name}
    wanted = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    return template.format(**values) if wanted <= set(values) else fallback.format(**values)


def _org_name(lk: Lookup, org: tuple[str, ...]) -> str:
    chain = [lk.organizations[o].name for o in lk.org_chain(org[0])]
    return chain[0] + (f" (part of {', '.join(chain[1:])})" if len(chain) > 1 else "")


RELATIONS: tuple[Relation, ...] = (
    Relation(
        "org", "organization",
        value=lambda item: (item.organization,) if item.organization else (),
        name=_org_name,
        forward=lambda bank, s: _prompt(bank, "organization", "Which {organization_term} developed {item}?", s),
        reverse=lambda bank, value: f"Which of the deck's {_items(bank)} did {value} make?",
        cloze=lambda bank, value, gaps: f"Of the deck's {_items(bank)}, {value} made {gaps}.",
        implied=lambda lk, item: False,
    ),
    Relation(
        "mod", "modality",
        value=lambda item: item.modality,
        name=lambda lk, ids: upper_first(join([lower_first(lk.modalities[m].name) for m in ids])),
        forward=lambda bank, s: _prompt(bank, "modality", "What {modality_term} does {item} produce?", s),
        reverse=lambda bank, value: (f"Which of the deck's {_items(bank)} have “{value}” as their "
                                     f"{bank.term('modality')}?"),
        cloze=lambda bank, value, gaps: f"Of the deck's {_items(bank)}, {gaps} have “{value}” as their "
                                        f"{bank.term('modality')}.",
        implied=lambda lk, item: lk.shares_content_with_category(item),
    ),
    Relation(
        "use", "method",
        value=lambda item: (item.method,) if item.method else (),
        name=lambda lk, ids: lk.methods[ids[0]].name,
        forward=lambda bank, s: f"Which {bank.term('method')} {'do' if s.is_family else 'does'} {s.name} use?",
        reverse=lambda bank, value: f"Which of the deck's {_items(bank)} use the {bank.term('method')} {value}?",
        cloze=lambda bank, value, gaps: f"Of the deck's {_items(bank)}, {gaps} use the {bank.term('method')} {value}.",
        implied=lambda lk, item: len(lk.methods_of_category(item.category)) == 1,
    ),
)


def _relation_cards(lk: Lookup, all_subjects: list[Subject], relation: Relation) -> list[Draft]:
    bank = lk.bank
    groups: dict[tuple[str, ...], list[Subject]] = {}
    for subject in all_subjects:
        value = relation.value(subject.first)
        if value:
            groups.setdefault(value, []).append(subject)
    drafts: list[Draft] = []
    for value, having in groups.items():
        name = relation.name(lk, value)
        if all(relation.implied(lk, s.first) for s in having) or any(echoes(s.name, name) for s in having):
            continue  # the category's fact, or a name that gives the value away (MusicGen: music)
        source = lk.cite_all([s.first.source_for(relation.attribute) for s in having])
        key = "\x00".join(value)
        if len(having) == 1:
            subject = having[0]
            drafts.append(Draft(relation.kind, subject.key, "models", relation.forward(bank, subject), name, source,
                                subject.key))
        elif len(having) <= 3:
            drafts.append(Draft(f"{relation.kind}s", key, "models", relation.reverse(bank, name),
                                upper_first(join([s.short_name for s in having])) + ".", source, name))
        elif len(having) <= MAX_CLOZE_GROUP:
            ordered = sorted(having, key=lambda s: s.key.casefold())  # not the bank's order: gaps keep their place
            gaps = join([f"{{{{c{i}::{s.short_name}}}}}" for i, s in enumerate(ordered, start=1)])
            markup = upper_first(relation.cloze(bank, name, gaps))
            drafts.extend(cloze_drafts(f"{relation.kind}s", key, "models", markup, source, name,
                                       {i: s.key for i, s in enumerate(ordered, start=1)}))
    return drafts


# -- name -----------------------------------------------------------------------------
def _description(lk: Lookup, subject: Subject) -> tuple[tuple[object, ...], str]:
    """What singles a subject out without its name, as (comparable facts, words after "is"/"are")."""
    bank, item = lk.bank, subject.first
    category = lk.category(item.category)
    inner = subset_pair(bank)
    if inner is None:
        noun = category.name
    else:
        noun = inner.name if lk.is_member(category.id, inner.id) else bank.term("item")
    if subject.is_family:
        noun = plural(noun)
    owner = ""
    if item.organization and not echoes(subject.name, lk.organizations[item.organization].name):
        owner = f"{lk.organizations[item.organization].name}'s"
    method = ""
    if item.method and not echoes(subject.name, lk.methods[item.method].name) \
            and len(lk.methods_of_category(category.id)) > 1:
        method = singular(lk.methods[item.method].name)
    content = join([lower_first(lk.modalities[m].name) for m in item.modality])
    words = " ".join(w for w in (owner, method, noun) if w)
    if not owner and not subject.is_family:
        words = f"{'an' if words[:1].lower() in 'aeiou' else 'a'} {words}"
    text = f"{words} for {content}" if content else words
    return (owner, method, noun.casefold().rstrip("s"), content, item.category), text


def _name_clozes(lk: Lookup, all_subjects: list[Subject]) -> list[Draft]:
    """ "{{c1::BigGAN}} is DeepMind's GAN model for images", for subjects whose description is theirs alone."""
    described = [(s, *_description(lk, s)) for s in all_subjects]
    counts: dict[tuple[object, ...], int] = {}
    for _, facts, _ in described:
        counts[facts] = counts.get(facts, 0) + 1
    drafts: list[Draft] = []
    for subject, facts, text in described:
        if counts[facts] > 1 or not (facts[0] or facts[1]):
            continue  # not distinctive: several subjects, or only a category and a content kind
        markup = f"{{{{c1::{upper_first(subject.short_name)}}}}} {subject.verb} {text}."
        drafts.extend(cloze_drafts("cloze", f"name:{subject.key}", "models", markup,
                                   lk.cite(subject.first.source), subject.key))
    return drafts
