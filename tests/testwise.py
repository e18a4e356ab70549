"""A test-wise solver: answers generated questions by surface cues alone, knowing no facts.

It measures how far a learner who knows nothing of the subject could get (the
"leak" of shared/reference/item-writing.md). Cues, after Millman, Bishop & Ebel:

* the longest option, the shortest option;
* options that echo words, or parts of words, of the stem (and the reverse: the one that does not);
* dropping self-contradictory options ("X, but not Y" where another option says "X (and so also Y)");
* true/false by absolutes and negations (either direction);
* the option text most often keyed for the kind, and the most often keyed position, learned on one
  half of the pool and used on the other;
* for match questions, the label echoing each row, or the most frequently keyed label.

For each kind the solver learns on one half which cue pays best and answers the other half with it
(both halves in turn, several random splits). Scores are expected scores: a cue that leaves several
candidates picks uniformly among them. Multiple-answer questions are scored as the app grades them
(right options share +1, wrong ones −1, floored at 0); the solver ticks the top *k* options by its cue,
*k* learned too, and chance is the best uniform-random *k*.

Pure: plain functions over :class:`~quizapp.core.questions.Question`, no bank, no I/O.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from quizapp.core.questions import Question

STOPWORDS = frozenset("""
a an the of to in on for by and or but not no is are was were be been being it its this these those
that which what who whom whose how why when where does do did can could would should will shall may might
with without from as at into than then so such any all every each one two three some other others
true false select apply following best describes according article articles says say
""".split())
ABSOLUTES = frozenset("""
only never always cannot can't not no none nothing every all entirely completely solely must exactly
""".split())
MARGIN = 0.02  # a cue must beat chance by this much on the learning half to be used
TEMPLATE_SHARE = 0.6  # a word in this share of a kind's prompts is part of its template, not distinctive


def words(text: str) -> list[str]:
    out = []
    for w in re.findall(r"[a-z0-9]+", text.casefold()):
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return out


def related(a: str, b: str) -> bool:
    """Two words are the same, one holds the other (4+ letters; 3 at either end), or they share a 5-letter start."""
    if a == b:
        return True
    if min(len(a), len(b)) >= 4 and (a in b or b in a):
        return True
    short, long = sorted((a, b), key=len)
    if len(short) == 3 and len(long) > 3 and (long.startswith(short) or long.endswith(short)):
        return True  # StyleGAN / GANs, MySQL / SQL
    return len(a) >= 5 and len(b) >= 5 and a[:5] == b[:5]


def template_words(questions: Sequence[Question]) -> frozenset[str]:
    prompts = {q.prompt for q in questions}
    if len(prompts) < 3:
        return frozenset()
    counts = Counter(w for p in prompts for w in set(words(p)))
    return frozenset(w for w, c in counts.items() if c >= TEMPLATE_SHARE * len(prompts))


def distinctive(prompt: str, template: frozenset[str]) -> list[str]:
    return [w for w in dict.fromkeys(words(prompt)) if w not in STOPWORDS and w not in template and len(w) > 2]


def echo(stem_words: Sequence[str], option: str) -> int:
    """How many distinctive stem words the option echoes."""
    option_words = [w for w in words(option) if w not in STOPWORDS and len(w) > 2]
    return sum(1 for s in stem_words if any(related(s, o) for o in option_words))


_BUT_NOT = re.compile(r"^(?:an? )?(.+?),? but not (?:an? )?(.+?)\.?$", re.I)
_AND_SO = re.compile(r"^(?:an? )?(.+?) \((?:and so )?also (?:an? )?(.+?)\)\.?$", re.I)


def contradictory(option: str, seen_options: Sequence[str]) -> bool:
    """'X, but not Y' is self-contradictory when some option says 'X (and so also Y)'."""
    m = _BUT_NOT.match(option.strip())
    if not m:
        return False
    x, y = m.group(1).casefold(), m.group(2).casefold()
    for other in seen_options:
        n = _AND_SO.match(other.strip())
        if n and n.group(1).casefold() == x and n.group(2).casefold().startswith(y[:8]):
            return True
    return False


# -- scoring shapes ------------------------------------------------------------------------------


def multiple_score(ticked: set[int], keys: set[int], n: int) -> float:
    wrong = n - len(keys)
    right_part = len(ticked & keys) / len(keys)
    wrong_part = len(ticked - keys) / wrong if wrong else 0.0
    return max(0.0, right_part - wrong_part)


def expected_top_k(scores: Sequence[float], k: int, keys: set[int]) -> float:
    """Expected multiple-answer score of ticking the k best-scored options, ties broken uniformly."""
    n = len(scores)
    k = min(k, n)
    order = sorted(set(scores), reverse=True)
    chosen: set[int] = set()
    for value in order:
        group = [i for i in range(n) if scores[i] == value]
        if len(chosen) + len(group) <= k:
            chosen |= set(group)
            continue
        need = k - len(chosen)
        combos = list(itertools.combinations(group, need))
        return sum(multiple_score(chosen | set(c), keys, n) for c in combos) / len(combos)
    return multiple_score(chosen, keys, n)


def random_k(n: int, k: int, keys: set[int]) -> float:
    return expected_top_k([0.0] * n, k, keys)


# -- learned statistics ----------------------------------------------------------------------------


@dataclass
class Habits:
    keyed: Counter[str]
    offered: Counter[str]
    positions: Counter[tuple[int, int]]  # (options, position) -> times keyed
    labels: Counter[str]  # match: right-hand label -> times keyed
    k: int = 1  # multiple answer: how many boxes to tick

    def rate(self, option: str) -> float:
        if not self.offered[option]:
            total = sum(self.offered.values())
            return sum(self.keyed.values()) / total if total else 0.0
        return self.keyed[option] / self.offered[option]


def keys_of(q: Question) -> set[int]:
    if q.answers:
        return set(q.answers)
    return {q.answer} if q.answer is not None else set()


def learn(questions: Sequence[Question]) -> Habits:
    h = Habits(Counter(), Counter(), Counter(), Counter())
    for q in questions:
        if q.pairs:
            h.labels.update(right for _, right in q.pairs)
            continue
        keys = keys_of(q)
        for i, option in enumerate(q.options):
            h.offered[option] += 1
            if i in keys:
                h.keyed[option] += 1
                h.positions[(len(q.options), i)] += 1
    return h


# -- cues --------------------------------------------------------------------------------------------
# A cue scores every option of a question (higher = more likely the key); the solver picks the best.

Cue = Callable[[Question, Habits, list[str], list[str]], list[float]]


def _length(q: Question, h: Habits, stem: list[str], pool: list[str]) -> list[float]:
    return [float(len(o)) for o in q.options]


def _short(q: Question, h: Habits, stem: list[str], pool: list[str]) -> list[float]:
    return [-float(len(o)) for o in q.options]


def _echo(q: Question, h: Habits, stem: list[str], pool: list[str]) -> list[float]:
    return [float(echo(stem, o)) for o in q.options]


def _no_echo(q: Question, h: Habits, stem: list[str], pool: list[str]) -> list[float]:
    return [-float(echo(stem, o)) for o in q.options]


def _habit(q: Question, h: Habits, stem: list[str], pool: list[str]) -> list[float]:
    """The option keyed most often on the learning half."""
    return [float(h.keyed[o]) for o in q.options]


def _habit_rate(q: Question, h: Habits, stem: list[str], pool: list[str]) -> list[float]:
    """The option right most often *when offered* (stricter than the issue's cue; reported, not asserted)."""
    return [h.rate(o) for o in q.options]


def _position(q: Question, h: Habits, stem: list[str], pool: list[str]) -> list[float]:
    return [float(h.positions[(len(q.options), i)]) for i in range(len(q.options))]


def _absolutes(q: Question, h: Habits, stem: list[str], pool: list[str]) -> list[float]:
    """True/false: a statement with an absolute or negation is false, else true."""
    hedged = not (set(re.findall(r"[a-z']+", q.prompt.casefold())) & ABSOLUTES)
    return [1.0 if (o == "True") == hedged else 0.0 for o in q.options]


def _absolutes_inverse(q: Question, h: Habits, stem: list[str], pool: list[str]) -> list[float]:
    return [1.0 - s for s in _absolutes(q, h, stem, pool)]


def _uniform(q: Question, h: Habits, stem: list[str], pool: list[str]) -> list[float]:
    return [0.0] * len(q.options)


CUES: dict[str, Cue] = {
    "uniform": _uniform, "longest": _length, "shortest": _short, "stem echo": _echo, "no echo": _no_echo,
    "habit": _habit, "position": _position, "absolutes": _absolutes, "absolutes inverted": _absolutes_inverse,
}
STRICT_CUES: dict[str, Cue] = {"habit (rate)": _habit_rate}  # see _habit_rate; reported by the benchmark


def _eliminated(q: Question, pool: list[str]) -> set[int]:
    out = {i for i, o in enumerate(q.options) if contradictory(o, pool)}
    return out if len(out) < len(q.options) else set()


def score_single(q: Question, scores: list[float], pool: list[str]) -> float:
    dropped = _eliminated(q, pool)
    alive = [i for i in range(len(q.options)) if i not in dropped]
    best = max(scores[i] for i in alive)
    candidates = [i for i in alive if scores[i] == best]
    return (1.0 / len(candidates)) if q.answer in candidates else 0.0


def score_match(q: Question, h: Habits, cue: str, stem_template: frozenset[str]) -> float:
    total = 0.0
    for left, right in q.pairs:
        if cue == "row echo":
            row = distinctive(left, stem_template)
            scores = [float(echo(row, o)) for o in q.options]
        elif cue == "habit":
            scores = [float(h.labels[o]) for o in q.options]
        elif cue == "longest":
            scores = [float(len(o)) for o in q.options]
        elif cue == "shortest":
            scores = [-float(len(o)) for o in q.options]
        else:
            scores = [0.0] * len(q.options)
        best = max(scores)
        candidates = [o for o, s in zip(q.options, scores, strict=True) if s == best]
        total += (1.0 / len(candidates)) if right in candidates else 0.0
    return total / len(q.pairs)


MATCH_CUES = ("uniform", "row echo", "habit", "longest", "shortest")


def chance(q: Question) -> float:
    if q.pairs or not q.answers:
        return 1.0 / len(q.options)
    return max(random_k(len(q.options), k, keys_of(q)) for k in range(1, len(q.options) + 1))


def _score(q: Question, h: Habits, cue: str, template: frozenset[str], pool: list[str]) -> float:
    if q.pairs:
        return score_match(q, h, cue, template)
    stem = distinctive(q.prompt, template)
    scores = {**CUES, **STRICT_CUES}[cue](q, h, stem, pool)
    if q.answers:
        return expected_top_k(scores, h.k, keys_of(q))
    return score_single(q, scores, pool)


def _cues_for(questions: Sequence[Question]) -> tuple[str, ...]:
    if questions and questions[0].pairs:
        return MATCH_CUES
    return tuple(CUES)


def _fit_k(questions: Sequence[Question]) -> int:
    """Multiple answer: the number of boxes a random ticker does best with on these questions."""
    if not questions or not questions[0].answers:
        return 1
    widest = max(len(q.options) for q in questions)
    return max(range(1, widest + 1),
               key=lambda k: sum(random_k(len(q.options), k, keys_of(q)) for q in questions))


@dataclass(frozen=True)
class KindResult:
    kind: str
    questions: int
    chance: float  # mean chance score
    solver: float  # mean expected score of the cue learned on the other half
    cue: str  # the cue chosen most often
    key_longest: float  # share of questions whose key is the (tied-shared) longest option
    longest_chance: float  # what chance gives for that share
    position_deviation: float  # largest |observed - expected| share of keys at one position
    echo_violations: int  # questions where some, not all, options echo the stem's distinctive words


def _group(q: Question) -> tuple[object, ...]:
    """A question and its reshuffled copies are one group: they are never split across halves."""
    return (q.prompt, frozenset(q.options), frozenset(q.pairs))


def _halves(pool: Sequence[Question], rng: random.Random) -> list[tuple[list[Question], list[Question]]]:
    groups: dict[tuple[object, ...], list[Question]] = {}
    for q in pool:
        groups.setdefault(_group(q), []).append(q)
    keys = list(groups)
    rng.shuffle(keys)
    half = len(keys) // 2
    a = [q for k in keys[:half] for q in groups[k]]
    b = [q for k in keys[half:] for q in groups[k]]
    return [(a, b), (b, a)] if a and b else []


def _run(pools: Sequence[Sequence[Question]], cue: str, template: frozenset[str], options: list[str],
         seed: int) -> tuple[float, int]:
    """Total score and count of one cue over the pools: habits learned on one half, used on the other."""
    rng = random.Random(seed)
    total, count = 0.0, 0
    for pool in pools:
        for train, test in _halves(pool, rng):
            h = learn(train)
            h.k = _fit_k(train)
            total += sum(_score(q, h, cue, template, options) for q in test)
            count += len(test)
    return total, count


def solve(pools: Sequence[Sequence[Question]], seed: int = 0) -> tuple[float, str]:
    """The solver's mean score, and the cue it learned pays best for the kind.

    Every pool (one seed's questions of one kind) is split at random into halves, by question (a
    question and its reshuffled copies stay together): habits (the most often keyed option or
    position, the number of boxes to tick) are learned on one half and used on the other. Which
    cue pays is learned on half of the seeds' pools; the score is measured on the other half,
    so a cue is never chosen for luck in the very pools it is scored on.
    """
    everything = [q for pool in pools for q in pool]
    template = template_words(everything)
    options = sorted({o for q in everything for o in q.options})
    learning, measured = list(pools[::2]), list(pools[1::2]) or list(pools)
    cues = _cues_for(everything)
    scores = {c: _run(learning, c, template, options, seed) for c in cues}
    best = max(cues, key=lambda c: scores[c][0])
    total, count = scores["uniform"]
    if scores[best][0] <= scores["uniform"][0] + MARGIN * count:
        best = "uniform"  # a cue that does not pay beyond chance on the learning pools is not used
    total, count = _run(measured, best, template, options, seed + 1)
    return (total / count if count else 0.0), best


def key_longest(questions: Sequence[Question]) -> tuple[float, float]:
    observed = expected = 0.0
    singles = [q for q in questions if not q.pairs]
    for q in singles:
        longest = max(len(o) for o in q.options)
        tied = [i for i, o in enumerate(q.options) if len(o) == longest]
        keys = keys_of(q)
        observed += len(keys & set(tied)) / len(tied)
        expected += len(keys) / len(q.options)
    n = len(singles) or 1
    return observed / n, expected / n


def position_deviation(questions: Sequence[Question]) -> float:
    observed: defaultdict[int, float] = defaultdict(float)
    expected: defaultdict[int, float] = defaultdict(float)
    offered: Counter[int] = Counter()
    for q in questions:
        if q.pairs:
            continue
        keys = keys_of(q)
        for i in range(len(q.options)):
            offered[i] += 1
            observed[i] += 1.0 if i in keys else 0.0
            expected[i] += len(keys) / len(q.options)
    return max((abs(observed[i] - expected[i]) / offered[i] for i in offered), default=0.0)


def echo_violations(questions: Sequence[Question]) -> list[Question]:
    template = template_words(questions)
    out = []
    for q in questions:
        if q.pairs:
            rows = [distinctive(left, template) for left, _ in q.pairs]
            if any(0 < sum(1 for o in q.options if echo(r, o)) < len(q.options) for r in rows):
                out.append(q)
            continue
        stem = distinctive(q.prompt, template)
        echoing = sum(1 for o in q.options if echo(stem, o))
        if 0 < echoing < len(q.options):
            out.append(q)
    return out


def analyse(kind: str, pools: Sequence[Sequence[Question]]) -> KindResult:
    """The per-kind figures over several seeds' pools of one kind."""
    everything = [q for pool in pools for q in pool]
    solver, cue = solve(pools)
    longest, longest_chance = key_longest(everything)
    return KindResult(kind, len(everything), sum(chance(q) for q in everything) / len(everything), solver, cue,
                      longest, longest_chance, position_deviation(everything), len(echo_violations(everything)))


def by_kind(pools: Sequence[dict[str, list[Question]]]) -> dict[str, list[list[Question]]]:
    """Seeds' pools regrouped per kind: kind -> one list of questions per seed."""
    out: dict[str, list[list[Question]]] = {}
    for pool in pools:
        for kind, questions in pool.items():
            out.setdefault(kind, []).append(list(questions))
    return out


def table(results: Sequence[KindResult]) -> str:
    head = (f"{'kind':<13} {'n':>5} {'chance':>7} {'solver':>7} {'leak':>6}  {'best cue':<18} "
            f"{'key longest':>11} {'(chance)':>8} {'pos dev':>7} {'echo':>5}")
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(f"{r.kind:<13} {r.questions:>5} {100 * r.chance:>6.1f}% {100 * r.solver:>6.1f}% "
                     f"{100 * (r.solver - r.chance):>+5.1f}  {r.cue:<18} {100 * r.key_longest:>10.1f}% "
                     f"{100 * r.longest_chance:>7.1f}% {100 * r.position_deviation:>6.1f}% {r.echo_violations:>5}")
    return "\n".join(lines)


def strict_habit(pools: Sequence[Sequence[Question]], seed: int = 0) -> float:
    """The score of the stricter habit cue (the option right most often *when offered*), measured
    like :func:`solve` but not chosen by it: the benchmark reports it, the tests do not assert it."""
    everything = [q for pool in pools for q in pool]
    if not everything or everything[0].pairs:
        return float("nan")
    total, count = _run(pools, "habit (rate)", template_words(everything),
                        sorted({o for q in everything for o in q.options}), seed + 2)
    return total / count if count else 0.0
