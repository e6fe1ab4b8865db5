"""One `Prompt`: a prompt parsed once, for its family, into its AND parts and BREAK chunks, the user's syntax
spans (extra networks `<lora:name:0.8>`, attention groups `(term:1.2)`, `(term)`, `[term]`, escaped text
`\\(artist\\)`, prompt editing `[from:to:0.5]`, alternation `[a|b]`, `BREAK`, `AND`, wildcards `__name__`, variants
`{a|b}`, the host's textual-inversion names) and its terms (comma terms for tag families, the clauses of each
sentence for sentence families), each with its position; a term's phrases (head, slot, facets) are
structure.read_term's, read once per text. Checks and edits change terms in place; `render()` gives the text back,
byte for byte where nothing changed. Nothing else splits a prompt; grammar.py is A1111's grammar under it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache

from ..budget import charge
from . import grammar
from .lexicon import lexicon, words_of

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_CLAUSE = re.compile(r",\s*|;\s*")


@cache
def _opener() -> re.Pattern[str]:
    """A word that joins a clause to the one before (`and a cup steams`), at the clause's start."""
    return re.compile(r"^(?:" + "|".join(lexicon().clause_openers) + r")\s+", re.I)
_KEYWORD_TERM = re.compile(r"\s*(?:AND|BREAK|and|break)\s*")
_WORD_UNIT = re.compile(r"\S+")
WILDCARD = re.compile(r"__[\w\-/.*]+__")


@dataclass(frozen=True)
class Span:
    kind: str  # network, group, literal, edit, alternation, keyword, wildcard, variant, embedding
    text: str
    key: str  # what identifies it when rewritten: a network's name, a group's inner words, the keyword
    start: int
    end: int
    only: bool = False  # the only network of its prompt: `the lora` names it



def _key(inner: str) -> str:
    return " ".join(words_of(grammar.plain(inner)))


def find_spans(text: str, embeddings: list[str] | tuple[str, ...] = ()) -> list[Span]:
    """Every protected span, outermost first, in order of position."""
    charge()
    spans: list[Span] = []
    taken = bytearray(len(text) + 1)  # 1 where a span found already lies (a lookup per start, not a scan)

    def free(start: int) -> bool:
        return not taken[start]

    def add(kind: str, start: int, end: int, key: str) -> None:
        if free(start):
            spans.append(Span(kind, text[start:end], key, start, end))
            taken[start:end] = b"\x01" * (end - start)

    for start, end in sorted(grammar.brackets(text).pairs.items()):
        if not free(start):  # inside a span already found
            continue
        piece = text[start:end + 1]
        if piece[0] == "{":
            add("variant", start, end + 1, piece.lower())
            continue
        node = grammar.tree(piece).items[0] if piece[0] == "[" else None
        if node is not None and node.kind in ("edit", "alternation"):
            add(node.kind, start, end + 1, piece[1:-1].lower())
        else:
            add("group", start, end + 1, _key(grammar.inner(piece)[0]))
    found = grammar.networks(text)
    for network in found:  # a network inside a group goes with its group
        add("network", network.start, network.end, network.key)
    if len(found) == 1:
        spans[:] = [replace(s, only=True) if s.kind == "network" else s for s in spans]
    for start, end in grammar.escapes(text):
        add("literal", start, end, _key(text[start:end]))
    for match in WILDCARD.finditer(text):
        add("wildcard", match.start(), match.end(), match.group().lower())
    for word in ("BREAK", "AND"):
        for index in grammar.keywords(text, word):
            add("keyword", index, index + len(word), word)
    for name in embeddings:
        if len(name) >= 3:
            for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, flags=re.I):
                add("embedding", match.start(), match.end(), name.lower())
    return sorted(spans, key=lambda s: s.start)




@dataclass
class Term:
    """A comma term (tags) or a clause of a sentence (sentences): its text and, as parsed, where it was."""

    text: str
    sentence: int  # its sentence (sentence families); its own index for tags
    start: int = -1  # in the parsed text; -1 for a term added since
    end: int = -1



@dataclass(frozen=True)
class Chunk:
    """One BREAK chunk of one AND part: where its text lies, without its edge commas and spaces."""

    part: int
    start: int
    end: int


@dataclass
class Prompt:
    text: str
    sentences: bool = False
    terms: list[Term] = field(default_factory=list)
    changed: bool = False
    _spans: dict[tuple[str, ...], list[Span]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def parse(cls, text: str, family=None) -> Prompt:
        """`family`: a Family (its style), None for tags (negative prompts, the user's fields)."""
        sentences = family is not None and family.sentences
        prompt = cls(text, sentences)
        if sentences:
            at = 0
            for index, sentence in enumerate(s for s in _SENTENCE.split(text.strip()) if s.strip()):
                at = text.find(sentence, at)
                for clause in (c for c in _CLAUSE.split(sentence) if c.strip()):
                    start = text.find(clause, at)
                    prompt.terms.append(Term(clause, index, start, start + len(clause)))
                    at = start + len(clause)
        else:
            prompt.terms = [Term(text[s:e].strip(), i, s, e) for i, (s, e) in enumerate(grammar.terms(text))]
        return prompt

    # -- views ---------------------------------------------------------------------------------------------------

    def spans(self, embeddings: list[str] | tuple[str, ...] = ()) -> list[Span]:
        """The user's syntax spans of the parsed text, in order of position (found once per embeddings list)."""
        key = tuple(embeddings)
        if key not in self._spans:
            self._spans[key] = find_spans(self.text, embeddings)
        return self._spans[key]

    def texts(self) -> list[str]:
        """The terms' texts, stripped, the empty ones left out."""
        return [t.text.strip() for t in self.terms if t.text.strip()]

    def groups(self) -> list[list[Term]]:
        """The terms by sentence (sentence families) or one a group (tags)."""
        out: dict[int, list[Term]] = {}
        for term in self.terms:
            out.setdefault(term.sentence, []).append(term)
        return list(out.values())

    def leading(self, is_leading: Callable[[str], bool]) -> int:
        """How many terms open the prompt that `is_leading` says lead (Pony's scores, count tags)."""
        count = 0
        for text in self.texts():
            if not is_leading(text):
                break
            count += 1
        return count

    def units(self) -> list[str]:
        """What a diff compares: tag prompts by term (a weighted group is one), sentence prompts by word."""
        if self.text.count(",") >= 2:
            return [self.text[s:e].strip() for s, e in grammar.terms(self.text)]
        return _WORD_UNIT.findall(self.text)

    def as_parsed(self, term: Term) -> bool:
        """The term is as the user wrote it: parsed, and no edit changed it."""
        return term.start >= 0 and self.text[term.start:term.end].strip() == term.text.strip()

    # -- changes -------------------------------------------------------------------------------------------------

    def set(self, term: Term, text: str) -> None:
        """A term's new text ('' takes it out)."""
        if text != term.text:
            term.text, self.changed = text, True

    def each(self, change: Callable[[str], str | None]) -> bool:
        """`change(text) -> new text | None` on every term, on each BREAK chunk of a term apart (`waves crashing
        BREAK dramatic lighting`: the waves may go, the BREAK stays where the user put it); True when any changed."""
        hit = False
        for term in self.terms:
            if term.text.strip() and (new := _by_chunk(term.text, change)) is not None and new != term.text:
                self.set(term, new)
                hit = True
        return hit

    def insert(self, index: int, text: str) -> None:
        """A new term before the `index`th of `texts()` (a sentence of its own for sentence families)."""
        kept = [t for t in self.terms if t.text.strip()]
        at = self.terms.index(kept[index]) if index < len(kept) else len(self.terms)
        sentence = -1 - len(self.terms) if self.sentences else at
        self.terms.insert(at, Term(text, sentence))
        self.changed = True

    def prune(self, alone: frozenset[str]) -> None:
        """A sentence whose other clauses went leaves no clause of one word of `alone` (`Outside, a storm rages`
        without the storm: no `Outside.`)."""
        for group in self.groups() if self.sentences else ():
            kept = [t for t in group if t.text.strip()]
            if len(kept) == 1 and len(group) > 1 and kept[0].text.strip(" .!?").lower() in alone:
                self.set(kept[0], "")

    def drop_verbless(self, acts: Callable[[str], bool], stands: Callable[[str], bool]) -> None:
        """A sentence whose clause that said what happens (`acts`) went keeps no clause that only says where or how
        (`Behind the counter, a chef is cooking, slightly out of focus.` without the chef: nothing); one that
        `stands` as a clause of its own (`Waves roll in`) keeps the sentence."""
        for group in self.groups() if self.sentences else ():
            kept = [t for t in group if t.text.strip()]
            gone = [t for t in group if not t.text.strip() and t.start >= 0]
            if kept and any(acts(self.text[t.start:t.end]) for t in gone) and not any(stands(t.text) for t in kept):
                for term in kept:
                    self.set(term, "")

    def render(self) -> str:
        """The text: as parsed where nothing changed; else the terms joined (`, ` between tags; sentence families
        keep the writer's clause endings and case, a sentence ending where it ended)."""
        if not self.changed:
            return self.text
        if not self.sentences:
            return ", ".join(self.texts())
        sentences = []
        groups = [(g, [t.text.strip() for t in g if t.text.strip()]) for g in self.groups()]
        groups = [(g, clauses) for g, clauses in groups if clauses]
        for index, (group, clauses) in enumerate(groups):
            if not group[0].text.strip():  # its first clause went: the next one opens the sentence
                clauses[0] = _opener().sub("", clauses[0])
            said = self.text[group[-1].start:group[-1].end].rstrip()[-1:] if group[-1].start >= 0 else ""
            ending = clauses[-1][-1] if clauses[-1][-1] in ".!?" else said if said in (".", "!", "?") else (
                "" if index == len(groups) - 1 else ".")  # its last clause went: the sentence still ends
            sentence = ", ".join(c.rstrip(".!?") for c in clauses) + ending
            upper = group[0].start >= 0 and self.text[group[0].start:group[0].start + 1].isupper()
            sentences.append(sentence[:1].upper() + sentence[1:] if upper else sentence)  # the writer's case
        return " ".join(sentences)

    # -- the syntax a guard keeps --------------------------------------------------------------------------------

    def chunks(self) -> list[Chunk]:
        """The BREAK chunks (top-level BREAKs) inside the AND parts."""
        found: list[Chunk] = []
        text = self.text
        breaks = grammar.keywords(text, "BREAK")
        for index, part in enumerate(grammar.parts(text)):
            cuts = [part.start] + [k for k in breaks if part.start <= k < part.end]
            ends = [*cuts[1:], part.end]
            for chunk, (start, end) in enumerate(zip(cuts, ends, strict=True)):
                start += 5 if chunk else 0
                while start < end and text[start] in " ,\n\t":
                    start += 1
                while end > start and text[end - 1] in " ,\n\t":
                    end -= 1
                found.append(Chunk(index, start, end))
        return found

    def flat(self, keep_keywords: bool, lowered: bool = False) -> list[str]:
        """The comma terms as a flat list; unless `keep_keywords`, AND/BREAK (a term of their own, in any case, or
        inside a term; `lowered`: a lowercase `break` too) and dangling part weights taken out."""
        out: list[str] = []
        spans = grammar.terms(self.text)
        texts = [self.text[start:end].strip() for start, end in spans]
        for index, term in enumerate(texts):
            if keep_keywords:
                out.append(term)
            elif not _KEYWORD_TERM.fullmatch(term):
                pieces = [p for chunk in grammar.merged_parts(term) for p in _split_keywords(chunk, lowered)]
                last = index + 1 == len(texts) or _KEYWORD_TERM.fullmatch(texts[index + 1]) is not None
                out += [(grammar.without_part_weight(p) if at + 1 < len(pieces) or last or _SPACED_WEIGHT.search(p)
                         else p).strip() for at, p in enumerate(pieces) if p.strip()]  # a part's weight ends a part,
                # or a model moved it (`lake :0.8`); `pointing to 3:15` mid-part is no weight
        return [t for t in out if t]


_SPACED_WEIGHT = re.compile(r"\s:\s*[-+]?\d*\.?\d+\s*$")


def _by_chunk(text: str, change: Callable[[str], str | None]) -> str | None:
    """`change` on each piece of a term between its BREAKs; where no piece changes, on the whole term (`get rid
    of the BREAK`: the keyword itself)."""
    cuts = grammar.keywords(text, "BREAK")
    if not cuts:
        return change(text)
    pieces = [text[start:end] for start, end in zip([0, *(c + 5 for c in cuts)], [*cuts, len(text)], strict=True)]
    changed = [change(p) if p.strip() else None for p in pieces]
    if all(new is None or new == old for new, old in zip(changed, pieces, strict=True)):
        return change(text)
    return " BREAK ".join((old if new is None else new).strip() for new, old in zip(changed, pieces, strict=True)
                          ).strip()


def is_keyword(term: str) -> bool:
    """A term that is only AND or BREAK (any case)."""
    return bool(_KEYWORD_TERM.fullmatch(term))


def _split_keywords(term: str, lowered: bool) -> list[str]:
    """A term cut at its top-level AND and BREAK (`lowered`: and at a lowercase `break`, a model's answer that
    lowercased the user's BREAK)."""
    words = ("AND", "BREAK", "break") if lowered else ("AND", "BREAK")
    cuts = sorted((i, i + len(w)) for w in words for i in grammar.keywords(term, w))
    pieces, last = [], 0
    for start, end in cuts:
        pieces.append(term[last:start])
        last = end
    return [*pieces, term[last:]]


def tag_terms(text: str) -> list[str]:
    """A tag prompt's (or a negative prompt's) comma terms."""
    return Prompt.parse(text).texts()
