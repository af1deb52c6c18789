"""Curated synonyms and abbreviations, applied to a parsed query (never to its text).

Curators keep sets of equivalent terms in the admin (resources.models.SearchSynonym): "CIT,
crisis intervention team". A search for any term of a set also finds the others: `expand_synonyms`
adds them to the query's groups as alternatives (TermGroup.synonyms), so every backend matches
them the way it matches what was typed. A multi-word term is recognised across the words typed
one by one: "mental health first aid training" becomes the phrase "mental health first aid"
(or "mhfa"), then "training".

Terms are compared case-insensitively, word by word, with a final "s" ignored, so "crisis
intervention teams" is recognised as "crisis intervention team" and "MOUs" as "MOU".

The synonyms are read with one small query per search; the index built from them is kept per
process for as long as the rows read are the same, so an edit in the admin applies to the very
next search in every process, and a search costs no more than that one query.
"""

import functools
import re
from dataclasses import dataclass

from resources.search.query import ParsedQuery, Term, TermGroup, parse_search_query

# Terms in the admin are separated by commas or written one a line.
TERM_SEPARATOR = re.compile(r"[,\n]")


def split_synonym_terms(text):
    """The terms of a synonym set as written, stripped (empty entries kept, for validation)."""
    return [piece.strip() for piece in TERM_SEPARATOR.split(text or "")]


def normalize_synonym_term(text):
    """`text` as searched: lower-cased words, punctuation around them removed, single spaces.

    Raises ValueError, with a message for curators, for a term a search could never match
    as written: quoted, excluded with "-", or containing the search operator "or".
    """
    if '"' in text:
        raise ValueError(f"“{text}”: leave out quotation marks (a term of several words is matched as a phrase).")
    if "or" in text.lower().split():
        raise ValueError(f"“{text}”: “or” separates alternatives in a search; make each alternative its own term.")
    parsed = parse_search_query(text)
    if parsed.excluded:
        raise ValueError(f"“{text}”: a term cannot start with “-” (that excludes a word from a search).")
    words = [term.text for group in parsed.groups for term in group.typed]
    if not words:
        raise ValueError(f"“{text}” has no word a search could match.")
    return " ".join(words)


def word_key(word):
    """How a word is compared: a final "s" dropped ("teams" = "team", "MOUs" = "MOU")."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def term_key(text):
    return tuple(word_key(word) for word in text.split())


@dataclass(frozen=True)
class SynonymIndex:
    """Equivalent terms by key (`term_key`): each key gives every term of its set(s), as Terms."""

    terms_by_key: dict
    longest_term: int = 0  # in words
    words: frozenset = frozenset()  # every word of every term: vocabulary for "did you mean"

    def __bool__(self):
        return bool(self.terms_by_key)

    def equivalents(self, term):
        """The other terms equivalent to `term` (a Term), or ()."""
        key = term_key(term.text)
        return tuple(other for other in self.terms_by_key.get(key, ()) if term_key(other.text) != key)


EMPTY_INDEX = SynonymIndex({})


@functools.lru_cache(maxsize=8)
def build_synonym_index(rows):
    """The index of `rows` (a tuple of SearchSynonym.terms texts). Invalid terms are skipped:
    the admin refuses them, so they only come from rows written another way."""
    terms_by_key = {}
    for text in rows:
        terms = []
        for piece in split_synonym_terms(text):
            try:
                terms.append(Term(normalize_synonym_term(piece)))
            except ValueError:
                continue
        if len(terms) < 2:
            continue
        for term in terms:
            known = terms_by_key.setdefault(term_key(term.text), [])
            known += [other for other in terms if other not in known]
    return SynonymIndex(
        {key: tuple(terms) for key, terms in terms_by_key.items()},
        max((len(key) for key in terms_by_key), default=0),
        frozenset(word for terms in terms_by_key.values() for term in terms for word in term.words),
    )


def load_synonyms(using="default"):
    """The curated synonyms, as a SynonymIndex: one query."""
    from resources.models import SearchSynonym

    rows = tuple(SearchSynonym.objects.using(using).order_by("pk").values_list("terms", flat=True))
    return build_synonym_index(rows) if rows else EMPTY_INDEX


def _is_single_word(group):
    return len(group.typed) == 1 and not group.typed[0].is_phrase and not group.synonyms


def _longest_phrase_at(groups, start, index):
    """(number of groups, phrase Term) for the longest multi-word synonym typed word by word from
    groups[start], or None."""
    words = []
    for group in groups[start : start + index.longest_term]:
        if not _is_single_word(group):
            break
        words.append(group.typed[0].text)
    for length in range(len(words), 1, -1):
        if term_key(" ".join(words[:length])) in index.terms_by_key:
            return length, Term(" ".join(words[:length]))
    return None


def _with_equivalents(terms, index):
    """`terms` followed by their equivalents, each once."""
    expanded = list(terms)
    for term in terms:
        expanded += [other for other in index.equivalents(term) if other not in expanded]
    return tuple(expanded)


def expand_synonyms(parsed, synonyms=None, *, using="default"):
    """`parsed` with the curated equivalents of its terms added: a group's as its `synonyms`,
    an excluded term's as more excluded terms. `synonyms` is a SynonymIndex (loaded if None)."""
    index = load_synonyms(using) if synonyms is None else synonyms
    if not parsed or not index:
        return parsed
    groups, position = [], 0
    while position < len(parsed.groups):
        phrase = _longest_phrase_at(parsed.groups, position, index)
        if phrase:
            length, typed = phrase
            groups.append(TermGroup((typed,), index.equivalents(typed)))
            position += length
            continue
        group = parsed.groups[position]
        extra = _with_equivalents(group.typed, index)[len(group.typed) :]
        groups.append(TermGroup(group.typed, group.synonyms + tuple(t for t in extra if t not in group.synonyms)))
        position += 1
    return ParsedQuery(parsed.text, tuple(groups), _with_equivalents(parsed.excluded, index))
