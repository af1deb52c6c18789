"""Highlighted passages for search results, safe to render whichever database found them.

PostgreSQL makes its own headlines (ts_headline of HTML-escaped text, resources.search.postgresql);
on other databases, or when the database made none, the passage is highlighted here in Python.
"""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from resources.search.query import parse_search_terms

# The highlight markup: the only HTML a snippet may contain, whichever database made it.
HIGHLIGHT_START = "<mark>"
HIGHLIGHT_STOP = "</mark>"
SNIPPET_CONTEXT_CHARACTERS = 160


def highlight_terms(text, terms):
    """`text` HTML-escaped, with each occurrence of any term wrapped in <mark>; safe to render."""
    terms = sorted({term for term in terms if term}, key=len, reverse=True)
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", match.group(0)))
        position = match.end()
    pieces.append(escape(text[position:]))
    # Safe: every piece above was escaped or built by format_html.
    return mark_safe("".join(pieces))


def _excerpt_around(text, start, end):
    """A passage of `text` around [start, end), cut at word boundaries, with ellipses."""
    excerpt_start = max(0, start - SNIPPET_CONTEXT_CHARACTERS)
    excerpt_end = min(len(text), end + SNIPPET_CONTEXT_CHARACTERS)
    if excerpt_start > 0:
        space = text.find(" ", excerpt_start)
        excerpt_start = space + 1 if 0 <= space < start else excerpt_start
    if excerpt_end < len(text):
        space = text.rfind(" ", end, excerpt_end)
        excerpt_end = space if space > end else excerpt_end
    prefix = "… " if excerpt_start > 0 else ""
    suffix = " …" if excerpt_end < len(text) else ""
    return prefix, text[excerpt_start:excerpt_end], suffix


def search_snippet(resource, query):
    """The highlighted passage to show for `resource` in results for `query`, or None.

    Uses the database's headline when the search made one (PostgreSQL); otherwise
    highlights in Python: the summary when it contains a term, else a passage of the body.
    None means "nothing to highlight: show the plain summary". The result is safe HTML.
    """
    summary_headline = getattr(resource, "search_summary_headline", None)
    body_headline = getattr(resource, "search_body_headline", None)
    # Safe: ts_headline of HTML-escaped text, so its own <mark> tags are the only markup.
    if summary_headline and HIGHLIGHT_START in summary_headline:
        return mark_safe(summary_headline)
    if body_headline and HIGHLIGHT_START in body_headline:
        return mark_safe(f"… {body_headline.strip()} …")
    required, _excluded = parse_search_terms(query)
    if not required:
        return None
    pattern = re.compile("|".join(re.escape(term) for term in required), re.IGNORECASE)
    if pattern.search(resource.summary):
        return highlight_terms(resource.summary, required)
    match = pattern.search(resource.body)
    if match:
        prefix, passage, suffix = _excerpt_around(resource.body, match.start(), match.end())
        return format_html("{}{}{}", prefix, highlight_terms(passage, required), suffix)
    return None


def attach_search_snippets(resources, query):
    """Set `.snippet` (safe HTML or None) on each resource of a page of results; no queries."""
    for resource in resources:
        resource.snippet = search_snippet(resource, query) if query else None
    return resources
