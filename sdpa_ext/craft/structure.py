"""A prompt read as a structure: terms (between commas) made of phrases (split at prepositions), each phrase
with its head noun and its slot (subject, attribute, setting, time, weather, season, light, mood, palette,
medium, framing, composition, quality, syntax). Edits and checks work on this, so a change happens inside
the user's phrase: night takes `sunlit` out of `sunlit wheat field` and keeps `wheat field`; a new subject
replaces `young woman` in `portrait of a young woman in a field`; red hair recolours `long brown hair`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from .describe import nouns_of, verb_ing
from .grammar import plain
from .lexicon import alternation, lexicon, stem, words_of
from .prompt import find_spans
from .vocab import Facets, Value, clash, facets, phrase_pattern, vocab

GROUP_SLOT = {"time": "time", "season": "season", "weather": "weather", "place": "setting", "setting": "setting",
              "medium": "medium", "brightness": "light", "detail": "quality", "mood": "mood", "color": "palette",
              "framing": "framing", "angle": "composition", "expression": "attribute", "pose": "attribute"}
_PREP = re.compile(r"(?<![\w-])(" + alternation((*lexicon().prepositions, *lexicon().phrase_breaks))
                   + r")(?![\w-])", re.I)
# what places a thing when a tag begins with it (`in`, `by`, `to` also begin a garment, an artist, a goal)
_PLACED = lexicon().place_prepositions - {"in", "by", "to"}
_ARTICLE = re.compile(r"^\s*(?:a|an|the|some)\s+", re.I)
_WORD = re.compile(r"[^\W\d_]+")
_LEADING = re.compile(r"^(?:(?:of|with|and|by|in|at|on)\s+)?(?:(?:a|an|the|some)\s+)?", re.I)


@dataclass(frozen=True)
class Phrase:
    """One phrase of a term: `in a sunlit wheat field` -> prep `in`, body `a sunlit wheat field`, head `field`."""

    prep: str
    start: int  # in the term, its preposition included
    body_start: int
    end: int
    body: str
    head: str
    slot: str


@dataclass(frozen=True)
class TermReading:
    text: str
    phrases: tuple[Phrase, ...]
    syntax: bool  # holds the user's syntax (weights, LoRAs, editing...): changed only when asked
    spans: tuple[tuple[int, int], ...] = ()  # where its syntax lies, when words stand around it (read as phrases)

    def bare(self, phrase: Phrase) -> bool:
        """The phrase holds none of the user's syntax: it may be cut like any other."""
        return not any(start < phrase.end and phrase.start < end for start, end in self.spans)

    @property
    def slots(self) -> set[str]:
        return {p.slot for p in self.phrases}

    @property
    def heads(self) -> list[str]:
        return [p.head for p in self.phrases if p.head]


def head_of(body: str) -> str:
    """The head noun of a phrase's body: the last noun of its first noun run (`young woman sitting` -> woman)."""
    nouns = nouns_of(body)
    said = words_of(body)
    if nouns and nouns[0] in lexicon().heads["backdrop"] and nouns[0] in said[1:]:  # `forest background`: forest
        before = said[said.index(nouns[0]) - 1]
        return before if facets(before).keys() & {"setting", "place"} else nouns[0]
    return nouns[0] if nouns else ""


def slot_of(body: str, head: str) -> str:
    """What a phrase is: the group whose words hold its head, else what its head says, else subject."""
    low = body.lower().strip()
    lex = lexicon()
    if low in lex.quality_words or low.startswith(lex.leading_prefixes):
        return "quality"
    if any(w in low for w in lex.composition):
        return "composition"
    said = facets(body)
    for group in said:
        for value in said[group]:
            pattern = phrase_pattern(vocab().groups[group][value].words)
            if head and (pattern.search(head) or (group == "setting" and (head in lex.heads["place_part"] or any(
                    head in m.group().lower().split() for m in pattern.finditer(low))))):  # `a medieval town
                return GROUP_SLOT[group]  # square`, `a quiet street corner`: where
    lit = re.split(r"\s+(?:from|through|of)\s+", low, maxsplit=1)[0]  # `warm light from a window`
    if head in lex.heads["light"] or lit.endswith(("light", "lighting", "glow")):
        return "light"
    if head in lex.heads["attribute"] or any(verb_ing(w) for w in words_of(body)[:1]):
        return "attribute"
    if said and not head:
        return GROUP_SLOT[next(iter(said))]
    thing = head and head not in lex.heads["generic"] and not facets(head)  # `a cozy cabin`: a cabin, cozy
    for group in ("medium", "framing", "mood", "color", "time", "weather", "season"):
        if group in said and len(words_of(body)) <= 3 and not (thing and group in ("mood", "color")):
            return GROUP_SLOT[group]
    return "subject"


MASK = "q"  # a span read as a word of its length (`a [stone:crystal:0.5] castle`: `a qqq… castle`)


@lru_cache(maxsize=512)
def read_term(text: str) -> TermReading:
    """A term as its phrases; a text is read once. A term that is only the user's syntax is one phrase, slot
    `syntax`; one with words around its syntax is read around it (`spans`), each span as one word."""
    found = [(s.start, s.end) for s in find_spans(text)]
    if spans := tuple(f for f in found if not any(o != f and o[0] <= f[0] and f[1] <= o[1] for o in found)):
        chars = list(text)
        for start, end in spans:
            chars[start:end] = MASK * (end - start)
        masked = "".join(chars)
        if not words_of(re.sub(rf"{MASK}{{3,}}", " ", masked)):
            return TermReading(text, (Phrase("", 0, 0, len(text), text, "", "syntax"),), True)
        phrases = tuple(replace(p, body=text[p.body_start:p.end].strip(), head="" if p.head.startswith(MASK * 3)
                                else p.head) for p in _read(masked).phrases)
        breaks = [(start, end) for start, end in spans if text[start:end].strip() == "BREAK"]
        return TermReading(text, tuple(q for p in phrases for q in _broken(text, p, breaks)), True, spans)
    return _read(text)


def _broken(text: str, phrase: Phrase, breaks: list[tuple[int, int]]) -> list[Phrase]:
    """A phrase a `BREAK` written without a comma cuts (`desert BREAK a golden retriever`): the desert, and the
    retriever after the BREAK, each a phrase of its own."""
    cuts = [(s, e) for s, e in breaks if phrase.body_start < s and e < phrase.end]
    if not cuts:
        return [phrase]
    pieces: list[Phrase] = []
    start, body_start = phrase.start, phrase.body_start
    for cut, after in [*cuts, (phrase.end, phrase.end)]:
        body = text[body_start:cut].strip()
        if words_of(body):
            head = head_of(body)
            pieces.append(Phrase(phrase.prep if not pieces else "", start, body_start, cut, body, head,
                                 slot_of(body, head)))
            start = after
        body_start = after + len(text[after:phrase.end]) - len(text[after:phrase.end].lstrip())
    return pieces or [phrase]


def _next_word(text: str, at: int) -> str:
    """The word after a position (`nook` after `reading`), '' at the end."""
    found = _WORD.search(text, at)
    return found.group() if found else ""


def _read(text: str) -> TermReading:
    """A term with none of the user's syntax as its phrases."""
    whole = _whole_words(text)
    cuts = [(m.start(), m.end(), m.group(1).lower()) for m in _PREP.finditer(text)
            if not any(s < m.start() < e for s, e in whole)]
    cuts += [(m.start(), m.start(), "") for m in _WORD.finditer(text)  # `woman reading a book`: what she does
             if m.start() and verb_ing(m.group(), _next_word(text, m.end())) and not any(
                 s <= m.start() < e for s, e in whole)
             and not any(end <= m.start() <= end + 1 for _, end, _ in cuts)]  # `for running` stays one
    cuts += [(m.start(), m.start(), "") for m in _WORD.finditer(text)  # `smoke rises from the chimney`: the subject
             if m.start() and m.end() < len(text.rstrip(" .!?")) and _is_verb(text, m)  # ends at what it does
             and not any(s <= m.start() < e for s, e in whole) and not any(c[0] == m.start() for c in cuts)]
    cuts.sort()
    pieces: list[Phrase] = []
    bounds = [(0, 0, ""), *cuts]
    for index, (start, body_start, prep) in enumerate(bounds):
        end = bounds[index + 1][0] if index + 1 < len(bounds) else len(text)
        body = text[body_start:end].strip()
        if not body and not prep:
            continue
        if not body:  # a preposition at the very end: part of the phrase before
            continue
        first = words_of(body)[:1]
        acts = not prep and bool(start) and bool(first) and first[0] in lexicon().clause_verbs | lexicon(
        ).plural_verbs  # what a clause's subject does; `line art` opens a term with no verb
        head = "" if acts else head_of(body)
        slot = "action" if acts else slot_of(body, head)
        if slot == "subject" and start == 0 and prep in _PLACED:  # a tag that is a placement: `on a porch`
            slot = "setting"
        pieces.append(Phrase(prep, start, body_start, end, body, head, slot))
    if not pieces:
        pieces.append(Phrase("", 0, 0, len(text), text, head_of(text), slot_of(text, head_of(text))))
    return TermReading(text, tuple(pieces), False)


def acts(text: str) -> bool:
    """The clause says what something does, in a finite verb (`smoke rises`, `a chef is cooking`; not `smiling
    warmly`)."""
    return any(p.slot == "action" for p in read_term(text).phrases)


def stands(text: str) -> bool:
    """A clause that can stand alone: a finite verb of ours, or it opens with what it is about, not with where or
    how (`Behind the counter`, `slightly out of focus`, `smiling warmly` cannot)."""
    first = words_of(text.lower())[:1]
    return acts(text) or (bool(first) and not (first[0] in lexicon().prepositions or first[0].endswith("ly") or
                                              verb_ing(first[0])))


def _is_verb(text: str, match: re.Match[str]) -> bool:
    """A finite verb of the lexicon's (`rises`, `is`) after a word that is not an article (`a deep cut`)."""
    before = words_of(text[:match.start()])
    word, lex = match.group().lower(), lexicon()
    plural = word in lex.plural_verbs and bool(before) and before[-1].endswith("s") and not before[-1].endswith("ss")
    return (word in lex.clause_verbs or plural) and bool(before) and before[-1] not in lex.articles


def _whole_words(text: str) -> list[tuple[int, int]]:
    """Where the vocabulary's own multi-word phrases stand (`depth of field`, `rule of thirds`): never cut."""
    return [m.span() for m in _known_pattern().finditer(text) if " " in m.group(0)]


@cache
def _known_pattern() -> re.Pattern[str]:
    words = {w for g in vocab().groups.values() for v in g.values() for w in v.words if " " in w}
    return phrase_pattern([*words, *(t for t in vocab().by_tag if " " in t), *lexicon().composition])


def says_something(text: str) -> bool:
    """What is left of a term still names something (not only articles, prepositions, generic words or how many:
    `a few`)."""
    return any(w not in lexicon().heads["generic"] and w not in lexicon().quantities for w in words_of(plain(text)))


def _articles(text: str) -> str:
    """`a old man` -> `an old man`, `an man` -> `a man`."""
    def fix(match: re.Match[str]) -> str:
        article, word = match.group(1), match.group(2)
        vowel = word[:1].lower() in "aeiou" and not word.lower().startswith(("uni", "use", "one", "eu"))
        vowel = vowel or bool(re.match(r"(?:8|1[18](?!\d))", word))  # `an 80-year-old`, `a 30-year-old`
        right = "an" if vowel else "a"
        return f"{right if article.islower() else right.capitalize()} {word}"
    return re.sub(r"\b([Aa]n?)\s+([A-Za-z0-9][\w-]*)", fix, text)


def _clean(text: str) -> str:
    """A term after a cut: spaces tidied, no dangling preposition at either end, articles right, a doing said once
    (`petals falling` -> `orange leaves falling`, never `falling falling`)."""
    text = re.sub(r"(?<![\w-])(\w+ing)\s+\1(?![\w-])", r"\1", re.sub(r"\s+", " ", text), flags=re.I).strip(" ,")
    text = re.sub(r"\s+(?:" + alternation((*lexicon().prepositions, "of", "and", *lexicon().articles)) + r")$", "",
                  text, flags=re.I)
    if re.match(r"^(?:of|and)\b", text, re.I):
        text = _LEADING.sub("", text, count=1)
    return _articles(text.strip(" ,"))


def _cut(text: str, start: int, end: int) -> str:
    return _clean(text[:start] + " " + text[end:])


def without_clash(text: str, context: Facets, sentences: bool = False) -> str:
    """The term with what contradicts `context` taken out: a modifier (`sunlit` at night), or a whole phrase
    when its head is what contradicts (`at golden hour`); '' when nothing that names something is left. In a
    sentence (`sentences`) a noun that contradicts takes its clause (`a storm rages over the sea`): taken out
    alone it would leave no sentence."""
    def clashing(found: Facets, slot: str) -> tuple[str, set[str]] | None:
        group = (clash(found, context) or ("",))[0]
        if not group or (slot == "subject" and group in ("mood", "expression")):
            return None  # a tired nurse in a hopeful picture is still a tired nurse
        return group, found[group]
    return _without(text, clashing, sentences)


def without_value(text: str, value: Value, sentences: bool = False) -> str:
    """The term with what says `value` taken out, as `without_clash` takes a contradiction out (rain: `rainy
    afternoon` -> `afternoon`, `raindrops on the window` goes). A value narrowed to some of its words (the snow of
    a winter: `snowy`, not `frost`) takes only those."""
    said = phrase_pattern(list(value.words))
    def naming(found: Facets, slot: str) -> tuple[str, set[str]] | None:
        return (value.group, {value.name}) if value.name in found.get(value.group, ()) else None
    return _without(text, naming, sentences, whole=True, only=said)


def _without(text: str, cut: Callable[[Facets, str], tuple[str, set[str]] | None], sentences: bool,
             whole: bool = False, only: re.Pattern | None = None, top: bool = True) -> str:
    """The term with the values `cut(phrase facets, slot)` names taken out of its phrases, last phrase first;
    `whole`: a tag whose first phrase's head goes goes whole (`raindrops on the window`), where a contradiction
    takes only its phrase (`portrait of a young woman` zoomed out keeps the woman)."""
    term = read_term(text)
    if locked(text):
        return text
    for phrase in reversed(term.phrases):
        found = cut(facets(phrase.body), phrase.slot) if term.bare(phrase) else None
        if not found or (only is not None and not only.search(phrase.body)):
            continue
        group, values = found
        pattern = only or phrase_pattern([*(w for v in values for w in vocab().groups[group][v].words), *(
            tag for tag, entry in vocab().by_tag.items() if any((group, v) in entry.facets for v in values))])
        # an entry that says the value by its tag: `85mm lens` is close framing
        matches = list(pattern.finditer(phrase.body))
        covers_head = any(phrase.head and phrase.head in m.group(0).lower().split() for m in matches)
        rest = pattern.sub(" ", phrase.body)
        after = words_of(phrase.body[matches[0].end():]) if matches else []
        opens = bool(matches) and not _LEADING.sub("", phrase.body[:matches[0].start()]).strip()  # `and sunlight`
        leads = opens and (len(after) >= 4 or (after[:1] and after[0] in {*lexicon().copulas, *lexicon().having}))
        noun = sentences and bool(matches) and not after and not matches[0].group(0).lower().endswith(
            ("y", "ed", "ing", "ful", "ous", "lit", "ic")) and (phrase.slot != "subject" or covers_head)
        # not `summer` in `a summer afternoon`, nor `asleep` in `a red fox curled up asleep`: the fox stays
        if group == "medium" and covers_head and phrase is term.phrases[0] and term.phrases[1:2] and term.phrases[
                1].prep == "of" and not term.spans:  # `a photo of a cozy cafe` made anime: the cafe stays
            kept = text[term.phrases[1].body_start:]
            return _without(kept[:1].upper() + kept[1:] if text.strip()[:1].isupper() else kept, cut, sentences,
                            whole, only, False)
        if phrase is term.phrases[0] and (((noun or covers_head) and opens and sentences) or (
                whole and covers_head and not sentences)):  # `Morning sunlight falls...` at night: the clause goes
            if term.spans:
                continue  # the user's syntax stays, and what it is said of
            rest = _next_clause(term, matches[0].group(0)) if sentences and matches else ""
            return _without(rest, cut, sentences, whole, only, False) if rest else ""  # `a storm rages over the sea`,
            # `raindrops on the window`: the term (or its first clause) is about what goes
        joined, gone = _joined_clause(term, phrase, matches[0]) if sentences and matches and not after else None, False
        if joined:  # `... near his feet and autumn leaves cover the path`: the clause the noun opens goes
            cut_text = _without_joined(text, joined)
        elif gone := covers_head or leads or noun or not says_something(rest):  # a noun in a sentence: its phrase
            cut_text = _cut(text, phrase.start, _doing_end(term, phrase))  # goes, and what it was doing
        else:
            cut_text = _clean(text[:phrase.body_start] + " " + " ".join(_agreed(rest.split())) + " " +
                              text[phrase.end:])
        if cut_text == text:
            continue  # the value is said in a form its words do not match: this phrase stays
        if not sentences and not term.spans and phrase is term.phrases[0] and not joined and gone and all(
                p.prep and p.prep != "of" and (phrase.slot in ("light", "time", "weather", "season") or p.slot in (
                    "subject", "setting")) for p in term.phrases[1:]):
            return ""  # `morning light through the windows` at night, `calm sea behind him`: what only placed it
        return _without(cut_text, cut, sentences, whole, only, False) if says_something(cut_text) or term.spans else ""
    return text if top or says_something(text) or term.spans else ""  # nothing cut: a bare `sky` stays


def _crowding(text: str, phrase: Phrase) -> int:
    """Where a phrase that goes starts, with what only said it was there (`crowded with pedestrians`, `full of
    people`)."""
    said = re.search(r"(\w+)\s*$", text[:phrase.start]) if phrase.prep in ("with", "of") else None
    return said.start() if said and said.group(1).lower() in lexicon().people["crowding"] else phrase.start


def _doing_end(term: TermReading, phrase: Phrase) -> int:
    """Where what a phrase does ends: `morning light streaming through an open window` goes whole, or the light's
    doing would be left without it; the phrase's own end when no doing follows it."""
    at = term.phrases.index(phrase)
    doing = term.phrases[at + 1] if at + 1 < len(term.phrases) else None
    if doing is None or doing.prep or not verb_ing((words_of(doing.body) or [""])[0]):
        return phrase.end
    end = doing.end
    for after in term.phrases[at + 2:]:  # `... through an open window`: where it does it
        if not after.prep:
            break
        end = after.end
    return end


def _joined_clause(term: TermReading, phrase: Phrase, match: re.Match[str]) -> tuple[int, int] | None:
    """Where the clause that a noun at a phrase's end opens after `and` stands, through what it does (`and autumn
    leaves cover the path`); None when the noun opens no clause of its own."""
    at = term.phrases.index(phrase)
    verb = term.phrases[at + 1] if at + 1 < len(term.phrases) else None
    body = term.text.index(phrase.body, phrase.body_start)  # the match is in the phrase's body
    joins = list(re.finditer(r",?\s+and\s+", term.text[body:body + match.start()]))
    if not verb or verb.slot != "action" or not joins or "," in term.text[body + joins[-1].end():body + match.start()]:
        return None
    end = verb.end
    for after in term.phrases[at + 2:]:  # `... is visible through the glass`: where it is, the clause's too
        if not after.prep:
            break
        end = after.end
    return body + joins[-1].start(), end


def _without_joined(text: str, joined: tuple[int, int]) -> str:
    """The term without a clause joined by `and`, its sentence's end kept (`... glow in the windows.`)."""
    rest = text[joined[1]:]
    if not rest.strip(" .!?"):
        return _clean(text[:joined[0]] + text[len(text.rstrip(" .!?")):])
    return _clean(text[:joined[0]] + ("" if rest.lstrip()[:1] in ",;" else ", ") + rest.lstrip())


def _agreed(words: list[str]) -> list[str]:
    """The phrase's opening `a` or `an` as its next word is said (`a old man` -> `an old man`)."""
    if len(words) > 1 and words[0].lower() in ("a", "an"):
        said = "an" if words[1][:1].lower() in "aeiou" else "a"
        return [said.capitalize() if words[0][:1].isupper() else said, *words[1:]]
    return words


def locked(text: str) -> bool:
    """The term is the user's syntax alone: nothing of it is read or cut unless the reading names it."""
    term = read_term(text)
    return term.syntax and not term.spans


def _content(text: str) -> set[str]:
    return {stem(w) for w in words_of(plain(text))} - {stem(a) for a in lexicon().articles}


def names(text: str, phrase: str) -> bool:
    """`text` names `phrase`: every content word of the phrase is in it (plurals count)."""
    want = _content(phrase)
    return bool(want) and want <= _content(text)


def without_phrase(text: str, thing: str, heads: set[str] | frozenset[str] = frozenset()) -> str | None:
    """The term without the phrases that name `thing` (its head is one of the thing's words: `remove the field`
    takes `in a wheat field`, not `depth of field`), or whose head is one of `heads` (`people` names every
    person); None when the term does not name it, '' when nothing would be left."""
    if locked(text):
        return None
    term, own, heads = read_term(text), {stem(w) for w in words_of(thing)}, {stem(h) for h in heads}  # `people`: all
    hits = [p for p in term.phrases if p.head and ((names(p.body, thing) and stem(p.head) in own)
                                                   or stem(p.head) in heads)]
    if term.spans:  # around the user's syntax: only phrases that hold none of it, and never the whole term
        hits = [p for p in hits if term.bare(p) and p is not term.phrases[0]]
        for phrase in reversed(hits):
            text = _cut(text, phrase.start, phrase.end)
        return text if hits else None
    verb = next((p for p in term.phrases if p.slot == "action"), None)
    first = next((h for h in hits if verb and h.end <= verb.start), None)
    if first and first.prep in lexicon().subordinators and first.start and says_something(text[:first.start]):
        return _clean(text[:first.start])  # `... arranges croissants while steam rises`: the clause it opens goes
    if verb and any(h.end <= verb.start and h.prep in ("", "of") for h in hits):  # what the clause is about goes (not
        # what is said of it: `A girl in a yellow raincoat jumps` keeps the girl),
        conjuncts = re.split(r"\s+and\s+", text[:verb.start].strip())  # or its part (`rain and the beam cut`)
        kept = [c for c in conjuncts if not names(c, thing)]
        if len(conjuncts) == 2 and len(kept) == 1:
            return _clean(f"{kept[0]} {text[verb.start:]}")
        return _next_clause(term, thing)
    for phrase in (p for p in term.phrases if p.slot == "action" and names(p.body, thing)):  # `cacti line the road
        last = list(_WORD.finditer(phrase.body))[-1]  # and a few white clouds drift across the sky`: the clouds'
        if stem(last.group().lower()) in own and (joined := _joined_clause(term, phrase, last)):  # clause goes
            return _without_joined(text, joined)
    if not hits:
        if (len(own) > 1 and names(text, thing)) or _opens(term, thing):
            return ""  # a thing across phrases, or what the clause is about: the whole term
        return None
    hits = _with_holders(term, hits)
    left = [p for p in term.phrases if all(p is not h for h in hits)]
    if term.phrases[0] is hits[0] and not hits[0].prep and all(
            p.prep or verb_ing(words_of(p.body)[0] if words_of(p.body) else "") for p in left):
        return ""  # what the term is about went: what only places it or says what it does goes too (`birds on the
        # roof`, `merchants selling fruit`)
    for phrase in hits:  # `... and a waitress is visible through the glass`: the clause she opens goes
        said = re.search(rf"(?<![\w-]){re.escape(phrase.head)}", phrase.body, re.I)
        if said and (joined := _joined_clause(term, phrase, said)):
            return _without_joined(text, joined)
    cuts = [_cut_of(term, phrase, hits, thing, heads) for phrase in hits]
    after = [p for p in term.phrases if p.start >= hits[-1].end]
    if after and (verb_ing(after[0].prep) or (not after[0].prep and verb_ing((words_of(after[0].body) or [""])[0]))):
        doing = list(itertools.takewhile(lambda p: p.prep, after[1:]))  # `crowds of people browsing`, `pedestrians
        cuts.append((after[0].start, (doing[-1] if doing else after[0]).end))  # holding umbrellas`, `a dog sitting in
        # the truck bed`: what they did goes with them
    for start, end in sorted(cuts, reverse=True):
        text = _cut(text, start, end)
    return text if left and says_something(text) else ""


def _cut_of(term: TermReading, phrase: Phrase, hits: list[Phrase], thing: str, heads: set[str]) -> tuple[int, int]:
    """Where a phrase that names the thing is cut: only the conjunct that names it (`by red lanterns and crowds`;
    `merchants and shoppers` are both people); a holder whose contents stay gives them its place (`with a tall
    stack of pancakes` -> `with pancakes`)."""
    text, said = term.text, term.text[phrase.body_start:phrase.end]
    joins = list(re.finditer(r"\s+and\s+", said))
    first = words_of(said[:joins[-1].start()]) if joins else []
    whole = not joins or names(said[:joins[-1].start()], thing) or phrase.head in first or any(
        stem(w) in heads for w in first) or (first[:1] and first[0] in lexicon().negations["leading"])  # `no cars
    # and no people`: both go
    held = next((p for p in term.phrases if p.start >= phrase.end), None)
    if whole and held and held.prep == "of" and phrase.head in lexicon().heads["container"] and all(
            held is not h for h in hits):
        return phrase.body_start, held.body_start
    return (_crowding(text, phrase) if whole else phrase.body_start + joins[-1].start()), phrase.end


def _with_holders(term: TermReading, hits: list[Phrase]) -> list[Phrase]:
    """The phrases that name a thing, with what holds or gathers it (`a glass of orange juice`, `a flock of crows`:
    the glass, the flock go with it)."""
    holders = [before for before, p in zip(term.phrases, term.phrases[1:], strict=False) if p.prep == "of" and
               before.head in lexicon().heads["container"] and any(p is h for h in hits)]
    return sorted([*hits, *(h for h in holders if all(h is not p for p in hits))], key=lambda p: p.start)


def _next_clause(term: TermReading, thing: str) -> str:
    """What is left when the clause about the thing goes: a second clause joined by `and` stays (`Mist rises
    from the water and pine trees line the shore` -> `Pine trees line the shore`), else nothing."""
    text = term.text
    verb, second = ([p for p in term.phrases if p.slot == "action"] + [None, None])[:2]
    joins = list(re.finditer(r",?\s+and\s+", text[verb.start:second.start])) if verb and second else []
    if not verb or not second or not joins:
        return ""
    rest = text[verb.start + joins[-1].end():]
    return "" if names(rest, thing) else _clean(rest[:1].upper() + rest[1:])


def _opens(term: TermReading, thing: str) -> bool:
    """The thing is what the term's first phrase is about (`A wicker basket full of wildflowers hangs`), not a
    colour or a value said of it (`Soft pink light`)."""
    first = term.phrases[0]
    words = [w for w in words_of(first.body) if w not in lexicon().articles][:3]
    head = stem(head_of(thing) or thing)
    if head in lexicon().colours or facets(head):
        return False
    return not first.prep and any(stem(w) == head for w in words)


def without_material(text: str, thing: str) -> str | None:
    """The term without a material said of a noun, with the words said with it (`not dark wood`: `a dark wooden
    counter` -> `a counter`); None when the thing names no material or the term does not say all its words."""
    lex = lexicon()
    wanted = [lex.materials.get(w, w) for w in words_of(thing) if w not in lex.function]
    if not any(w in lex.materials for w in wanted):
        return None
    said = words_of(text)
    found = [next((s for s in said if lex.materials.get(s, s) == w), None) for w in wanted]
    for word in found:
        text = without_word(text, word) if word and text is not None else None
    return text


def without_word(text: str, word: str, of: str = "") -> str | None:
    """The term without a modifier (`less pink`: `Soft pink light` -> `Soft light`), said `of` a noun where one is
    named (`the lighthouse shouldn't be old`: not the old keeper's); None when it has none."""
    term = read_term(text)
    if locked(text) or any(p.head and stem(p.head) == stem(word) for p in term.phrases):
        return None
    pattern = phrase_pattern([word])
    found = next((m for p in term.phrases if term.bare(p) and (not of or (p.head and same_noun(p.head, of)))
                  if (m := pattern.search(text, p.body_start, p.end))), None)
    if found is None:
        return None
    start, end = found.start(), found.end()
    if joined := re.match(r"\s+(?:and|or)\s+", text[end:]):  # `moody and atmospheric`: atmospheric
        end += joined.end()
    elif joined := re.search(r"\s+(?:and|or)\s+$", text[:start]):
        start = joined.start()
    return _clean(text[:start] + " " + text[end:])


def without_slot(text: str, slot: str, keep: Callable[[str], bool] = lambda body: False) -> str:
    """The term without its phrases of one slot but those `keep` keeps ('' when nothing that names something is
    left)."""
    term = read_term(text)
    if locked(text):
        return text
    cut = [p for p in term.phrases if p.slot == slot and not keep(p.body) and term.bare(p)]
    left = [p for p in term.phrases if p not in cut]
    if cut and cut[0] is term.phrases[0] and left and not term.spans and all(
            (p.prep and p.slot in ("subject", "setting")) or verb_ing((words_of(p.body) or [""])[0]) for p in left):
        return ""  # `waves crashing behind him`: what only placed or did what goes goes with it
    for phrase in reversed(cut):
        text = _cut(text, phrase.start, phrase.end)
    return text if says_something(text) or term.spans else ""


def replace_in(text: str, old: str, new: str) -> str | None:
    """`old` -> `new` inside the term; a new noun phrase with its own modifiers replaces the old one's
    (`young woman` -> `old man`), a bare noun keeps them (`fluffy cat` -> `fluffy dog`). None: no `old`."""
    term = read_term(text)
    if term.syntax:
        return None
    lex = lexicon()
    old_words = [w for w in words_of(old) if w not in lex.articles]
    for index, phrase in enumerate(term.phrases):
        olds = old_words
        if len(olds) == 1 and phrase.head and not names(phrase.body, old) and same_noun(phrase.head, olds[0]):
            if (kinds := _kinds_replaced(text, phrase, olds[0], new)) is not None:
                return kinds
            olds = [phrase.head]  # `the pup` on a puppy
        elif not old_words or not names(phrase.body, old):
            continue
        before = term.phrases[index - 1] if index else None
        if phrase.prep == "of" and " of " in new and before is not None and before.head:  # `a bowl of ramen` ->
            return _held_replaced(text, before, phrase, new)  # `a plate of sushi`
        body = phrase.body
        new_words = [w for w in words_of(new) if w not in lex.articles]
        covers_head = bool(phrase.head) and stem(phrase.head) in {stem(w) for w in olds}
        kind = None if covers_head or len(olds) > 1 or not phrase.head or phrase.head in lex.attributes or \
            olds[0] in lex.materials or lex.colour_of(new_words[-1:]) or not head_of(new) else re.search(
                rf"(?<![\w-]){re.escape(stem(olds[0]))}(?:e?s)?\s+{re.escape(phrase.head)}(?![\w-])", body, re.I)
        if kind:  # `swap the corgi for a kitten` on a corgi puppy: the kitten is the whole of it
            body = body[:kind.start()] + " ".join(new_words) + body[kind.end():]
        elif covers_head and same_noun(new_words[-1], phrase.head) and len(new_words) > 1 and all(
                w in lex.antonyms or w in lex.colours for w in new_words[:-1]):
            for word in reversed(new_words[:-1]):  # `long hair instead` on `short brown hair`: `long brown hair`
                body = _said_of(body, word, tuple(sorted(lex.antonyms.get(word, set()) | (
                    set(lex.colours) - {word} if word in lex.colours else set()))))
        elif covers_head and (len(new_words) > 1 or len(olds) > 1):
            article = None if new_words[0] in lex.numbers or new_words[0].isdigit() or new_words[0] in (
                lex.quantities) else re.match(r"^((?:a|an|the|some)\s+)", body, re.I)  # `two white foxes`, `many
            # candles` on `a red fox`, `a candle`: no `a`
            doing = re.match(r"^(\w+ing\s+)", body) if verb_ing(words_of(body)[0]) and words_of(body)[0] not in olds \
                else None  # `making latte art` -> `making a heart`: what is done stays
            head_at = list(re.finditer(rf"(?<![\w-]){re.escape(phrase.head)}(?![\w-])", body, re.I))[-1]
            body = (article.group(1) if article else doing.group(1) if doing else "") + new + body[head_at.end():]
        else:
            run = _kind_run(body, phrase.head, new) if covers_head and len(new_words) == 1 else None
            body = body[:run.start()] + new + body[run.end():] if run else phrase_pattern(
                [" ".join([*olds[:-1], lex.singular(olds[-1])])]).sub(new, body, count=1)
            if body == phrase.body:
                continue
        return _clean(text[:phrase.body_start] + (" " if phrase.prep else "") + body + " " + text[phrase.end:])
    materials = lexicon().materials
    if len(old_words) == 1 and old_words[0] in materials and any(w in materials for w in new.split()):
        forms = [w for w, m in materials.items() if m == materials[old_words[0]]]  # `wood to stone`: `a wooden
        found = phrase_pattern(forms).search(text)  # bridge`; `marble counter instead of wood`: the wooden table
        owner = next((p for p in term.phrases if found and p.body_start <= found.start() < p.end), None)
        if not found or any(p.head and p.head.lower() == found.group(0).lower() for p in term.phrases):
            return None
        if new.split()[-1] in materials or owner is None or not owner.head:
            return _clean(text[:found.start()] + new + text[found.end():])
        head = list(re.finditer(rf"(?<![\w-]){re.escape(owner.head)}(?![\w-])", text[found.start():owner.end]))
        return _clean(text[:found.start()] + new + text[found.start() + head[-1].end():]) if head else None
    return None


def _held_replaced(text: str, holder: Phrase, held: Phrase, new: str) -> str:
    """`a bowl of ramen` -> `a plate of sushi`: the whole of it, its modifiers kept (but the new holder's own words:
    `a glass mug of latte` -> `a glass of orange juice`)."""
    said = text[holder.body_start:holder.end]
    heads = list(re.finditer(rf"(?<![\w-]){re.escape(holder.head)}(?![\w-])", said))
    at = holder.body_start + heads[-1].start()
    own = words_of(new.partition(" of ")[0])
    while (kept := re.search(r"(\w+)\s+$", text[holder.body_start:at])) and kept.group(1).lower() in own:
        at = holder.body_start + kept.start()
    return _clean(text[:at] + re.sub(r"^(?:a|an|the|some)\s+", "", new, flags=re.I) + " " + text[held.end:])


@lru_cache(maxsize=512)
def kind_of(word: str) -> frozenset[str]:
    """The nouns that name the same kind of thing as `word` (`puppy`: dog, corgi, golden retriever ...)."""
    synonyms, word = lexicon().synonyms, word.lower()
    kind = {word, *synonyms.get(word, ())}
    for key, said in synonyms.items():
        if key in kind or word in said:
            kind |= {key, *said}
    return frozenset(kind)


def _kind_run(body: str, head: str, new: str) -> re.Match[str] | None:
    """Where a thing of another kind than `new` is named with the words that say its kind (`a golden retriever
    puppy`, `a vintage sports car`, `siamese cat`): the words that go with the head; None when the kinds agree."""
    kind = kind_of(head)
    if len(kind) == 1 or stem(head_of(new) or new) in {stem(k) for k in kind}:
        return None
    return _kind_said(body, head, kind | set(lexicon().materials))  # `a wooden boat` -> a swan


def _kind_said(body: str, head: str, kind: set[str]) -> re.Match[str] | None:
    """The words of `kind` said together up to the head (`golden retriever puppy`, `sports car`), when there are
    more than the head."""
    said = words_of(body.lower())
    if head.lower() not in said:
        return None
    at = len(said) - 1 - said[::-1].index(head.lower())
    first = next((at - size + 1 for size in (3, 2) if " ".join(said[max(at - size + 1, 0):at + 1]) in kind), at)
    while first and (size := next((n for n in (3, 2, 1) if " ".join(said[max(first - n, 0):first]) in kind), 0)):
        first -= size  # `golden retriever puppy`: the breed goes with the puppy
    if first == at:
        return None
    return re.search(r"(?<![\w-])" + r"\s+".join(map(re.escape, said[first:at + 1])) + r"(?![\w-])", body, re.I)


def _kinds_replaced(text: str, phrase: Phrase, old: str, new: str) -> str | None:
    """`the dog` on `a fluffy corgi puppy`: the kinds of it said together go, what is said of them stays (`a fluffy
    kitten`); None where its head alone names it."""
    run = _kind_said(phrase.body, phrase.head, kind_of(old))
    if not run:
        return None
    body = phrase.body[:run.start()] + re.sub(r"^(?:a|an|the|some)\s+", "", new) + phrase.body[run.end():]
    return _clean(text[:phrase.body_start] + (" " if phrase.prep else "") + body + " " + text[phrase.end:])


def recolour(text: str, noun: str, colour: str) -> str | None:
    """The term with `noun`'s colour set to `colour` (`long brown hair` -> `long red hair`); None: no `noun`. A
    colour with its shade (`dark purple`) takes the old colour's shade with it (`light brown` goes whole)."""
    lex = lexicon()
    shaded = tuple(f"{s} {c}" for s in lex.shades for c in lex.colours) if " " in colour else ()
    said = re.search(rf"(?<![\w-])(?:{alternation(lex.colours)})-{re.escape(lex.singular(noun))}e?d(?![\w-])", text,
                     re.I)
    if said and not read_term(text).syntax:  # `a red-haired woman`: a black-haired one
        return f"{text[:said.start()]}{colour.replace(' ', '-')}{said.group()[said.group().index('-'):]}" \
               f"{text[said.end():]}"
    hues = alternation((*(f"{s} {c}" for s in lex.shades for c in lex.colours), *lex.colours))
    stated = re.search(rf"(?<![\w-]){re.escape(noun)}\s+(?:is|are)\s+((?:an?\s+)?(?:{hues}))(?![\w-])", text, re.I)
    if stated and not read_term(text).syntax:  # `The sky is a deep purple`: the colour it is said to be
        said = _articles(f"a {colour}") if " " in colour else colour  # `a bright blue`, `orange`
        return f"{text[:stated.start(1)]}{said}{text[stated.end(1):]}"
    made = [w for w, m in lex.materials.items() if m != lex.materials.get(colour.split()[-1], m)]  # `red velvet`:
    return _modified(text, noun, colour, (*shaded, *lex.colours, *made))  # no leather


def modify(text: str, noun: str, word: str) -> str | None:
    """The term with `word` said of `noun`, in place of its opposite (`long wavy hair` -> `short wavy hair`,
    `young woman` -> `old woman`); None: no `noun`, or it says `word` already."""
    lex = lexicon()
    instead = set(lex.opposites_of(word))
    if (said := word.split()[-1]) in lex.materials:  # `make the bridge stone`: `wooden` gives way
        instead |= {w for w, m in lex.materials.items() if m != lex.materials[said]}
    changed = _modified(text, noun, word, tuple(sorted(instead)))
    return None if changed is not None and stem(word) in {stem(w) for w in words_of(text)} else changed


def _modified(text: str, noun: str, word: str, instead: tuple[str, ...]) -> str | None:
    """The term with `word` before `noun`'s head, where the first of `instead` was (the others go)."""
    term = read_term(text)
    if term.syntax:
        return None
    def unsaid(rest: str) -> str:  # `her eyes open` closed: no `open` after them
        after = re.match(rf"\s*(?:{alternation(instead)})(?![\w-])", rest, re.I) if instead else None
        return rest[after.end():] if after else rest
    for phrase in term.phrases:
        if phrase.head and same_noun(phrase.head, noun):
            return _clean(text[:phrase.body_start] + (" " if phrase.prep else "") + _said_of(
                phrase.body, word, instead) + " " + unsaid(text[phrase.end:]))
    for phrase in term.phrases:  # a noun inside a phrase whose verb we do not know (`a white apron arranges ...`;
        said = next((m for m in _WORD.finditer(phrase.body) if same_noun(m.group(), noun)), None)  # a motorcycle
        if said and phrase.head and instead:  # parked ...` for the bike)
            body = _said_of(phrase.body[:said.end()], word, instead) + unsaid(phrase.body[said.end():])
            return _clean(text[:phrase.body_start] + (" " if phrase.prep else "") + body + " " + text[phrase.end:])
    said = re.search(rf"(?<![\w-]){re.escape(noun)}(?![\w-])", text, re.I)
    if said and not instead:  # `a robot barista`: the robot is said of the barista, and it is the robot that is old
        return _clean(text[:said.start()] + f"{word} " + text[said.start():])
    return None


def _said_of(body: str, word: str, instead: tuple[str, ...]) -> str:
    """A noun phrase with `word` said of it: where the first of `instead` was (`red vintage car`), else a colour
    after its size or age (`a red paper crane`), another word first (`an old lighthouse keeper`)."""
    others = phrase_pattern(instead) if instead else None
    if others and (first := others.search(body)):
        end, joined = first.end(), re.compile(rf"\s*(?:,|and|&)?\s*(?:{others.pattern})", re.I)
        while more := joined.match(body, end):  # `white and orange` goes whole
            end = more.end()
        return body[:first.start()] + word + others.sub(" ", body[end:])
    words = body.split()
    skip = lexicon().antonyms if word in lexicon().colours else ()
    at = next((i for i, w in enumerate(words) if w.lower() not in {*lexicon().articles, *lexicon().possessives, *skip}),
              len(words) - 1)
    return " ".join(_agreed([*words[:at], word, *words[at:]]) if at == 1 else [*words[:at], word, *words[at:]])


def same_noun(head: str, noun: str) -> bool:
    """`sundress` is a dress, a bicycle a bike: the same noun, a compound that ends in it, or its synonym."""
    head, noun = stem(head), stem(noun)
    return head == noun or (head.endswith(noun) and len(head) - len(noun) >= 3) or head in lexicon().synonyms.get(
        noun, ())


def subject_heads(prompt_terms: list[str]) -> list[str]:
    """The head nouns of what the prompt is about: the subject phrases of its first term that has one (the
    phrase that opens the term, or `of` one: `portrait of a young woman`; not what follows a preposition)."""
    for text in prompt_terms:
        if words_of(text.lower())[:1] in (["no"], ["without"]):  # `no humans` says who is not there
            continue
        term = read_term(text)
        heads = [p.head for p in term.phrases if p.slot == "subject" and p.head and p.prep in ("", "of")]
        if heads:
            return heads
    return []
