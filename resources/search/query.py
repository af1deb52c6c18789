"""What a person typed, turned into terms every search backend understands.

The syntax is the one people know from web search engines (and PostgreSQL's `websearch`):
words, "quoted phrases", `-word` to exclude, and `or` between two alternatives. Parsing
happens once, here, so PostgreSQL and SQLite search for exactly the same thing, and curated
synonyms are added to the parsed terms (resources.search.synonyms), never to the text.
"""

import re
from dataclasses import dataclass

MAX_QUERY_LENGTH = 200

# A "quoted phrase", a -word to exclude, or a plain word. "or" is websearch syntax, not a word.
SEARCH_TOKEN = re.compile(r'(-?)"([^"]+)"|(-?)([^\s"]+)')
# Punctuation around a word that is not part of it ("crisis," or "(CIT)").
SURROUNDING_PUNCTUATION = ".,;:!?()[]{}'"
# Characters that are never part of a search: control characters and the like.
NON_PRINTING = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def normalize_search_query(query):
    """The query as searched: control characters, surrounding and repeated whitespace removed, capped in length."""
    return " ".join(NON_PRINTING.sub(" ", query or "").split())[:MAX_QUERY_LENGTH]


@dataclass(frozen=True)
class Term:
    """A lower-cased word, or several words that must appear together in this order (a phrase)."""

    text: str

    @property
    def is_phrase(self):
        return " " in self.text

    @property
    def words(self):
        return self.text.split()


@dataclass(frozen=True)
class TermGroup:
    """Terms of which a matching resource must contain at least one.

    `typed` are the terms the person typed (several when joined by "or"); `synonyms` are the
    curated equivalents added for them. Both match; only typed terms count as "what you searched".
    """

    typed: tuple
    synonyms: tuple = ()

    @property
    def terms(self):
        return self.typed + self.synonyms


@dataclass(frozen=True)
class ParsedQuery:
    """A query as every backend searches it: all `groups` must match and no `excluded` term may."""

    text: str
    groups: tuple = ()
    excluded: tuple = ()

    def __bool__(self):
        return bool(self.groups or self.excluded)

    @property
    def typed_terms(self):
        """Every term the person typed that must match, in order (used for highlighting)."""
        return [term for group in self.groups for term in group.typed]


def _tokens(query):
    """(negated, term text, was quoted) for each token of the normalized query."""
    for match in SEARCH_TOKEN.finditer(query):
        negated = bool(match.group(1) or match.group(3))
        quoted = match.group(2) is not None
        text = (match.group(2) or match.group(4) or "").strip().lower()
        text = " ".join(text.split()) if quoted else text.strip(SURROUNDING_PUNCTUATION)
        if text:
            yield negated, text, quoted


def parse_search_query(query):
    """`query` parsed into a ParsedQuery. Never fails: any text parses, maybe into nothing.

    "a or b" makes one group of two typed terms; a lone or leading/trailing "or" is ignored.
    """
    text = normalize_search_query(query)
    groups, excluded = [], []
    join_next = False
    for negated, term_text, quoted in _tokens(text):
        if term_text == "or" and not quoted and not negated:
            join_next = bool(groups)
            continue
        term = Term(term_text)
        if negated:
            excluded.append(term)
        elif join_next:
            groups[-1] = TermGroup((*groups[-1].typed, term))
        else:
            groups.append(TermGroup((term,)))
        join_next = False
    return ParsedQuery(text, tuple(groups), tuple(excluded))


def parse_search_terms(query):
    """Split a query into (terms that must appear, terms that must not), lower-cased."""
    parsed = parse_search_query(query)
    return [term.text for term in parsed.typed_terms], [term.text for term in parsed.excluded]
