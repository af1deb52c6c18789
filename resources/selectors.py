"""Reads for the catalog: search, facet counts, and what the home and resource pages show.

Views and feeds call these; none of them branches on the database. PostgreSQL gets
real full-text search (a weighted vector kept by a trigger, see migration 0003);
SQLite, the zero-set-up default, gets a simpler case-insensitive match behind the
same function.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connections
from django.db.models import Case, Count, Exists, F, FloatField, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Replace
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from clearinghouse.one_mind import Practice
from resources.models import RESOLUTION_KIND_SLUG, Resource, ResourcePractice

SEARCH_CONFIG = "english"
MAX_QUERY_LENGTH = 200
# Word similarity of the query to a title at or above which a misspelled query still
# finds the resource ("crisis intervantion", "delirum"); only used when full-text finds nothing.
TRIGRAM_THRESHOLD = 0.3
# The highlight markup: the only HTML a snippet may contain, whichever database made it.
HIGHLIGHT_START = "<mark>"
HIGHLIGHT_STOP = "</mark>"
SNIPPET_CONTEXT_CHARACTERS = 160

# Characters HTML gives a meaning to, escaped in SQL before ts_headline adds its <mark> tags.
HTML_ESCAPES = [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;")]


def normalize_search_query(query):
    """The query as searched: surrounding and repeated whitespace removed, capped in length."""
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def search_resources(queryset, query):
    """Resources in `queryset` matching `query`, annotated with `search_rank` (higher is better).

    The same call works on every database, so views never branch on it:
    - PostgreSQL: a `websearch` query (quoted phrases, `or`, `-word`) against the weighted
      search vector (title > summary > body), ranked with ts_rank. When the full-text query
      matches nothing in `queryset`, resources whose title resembles the query (trigram word
      similarity) are returned instead, ranked by that similarity, so a misspelling still
      finds something. The fallback is decided inside the same SQL statement (NOT EXISTS),
      so a caller applying the search to several querysets pays no extra round trip.
      Rows also get `search_summary_headline` (the HTML-escaped summary with matched words
      wrapped in <mark>) and `search_body_headline` (passages of the escaped body, marked
      the same way); `search_snippet` picks one.
    - Other databases: every word (or "quoted phrase") must appear, case-insensitively, in
      the title, summary or body; `-word` excludes. Rank counts where each word appears
      (title 4, summary 2, body 1). `attach_search_snippets` highlights in Python.

    An empty query returns `queryset` unchanged (and unannotated).
    """
    query = normalize_search_query(query)
    if not query:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        return _search_postgresql(queryset, query)
    return _search_simple(queryset, query)


def _html_escaped(field_name):
    expression = F(field_name)
    for character, entity in HTML_ESCAPES:
        expression = Replace(expression, Value(character), Value(entity), output_field=TextField())
    return expression


def _search_postgresql(queryset, query):
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    full_text_matches = queryset.filter(search_vector=search_query)
    title_similarity = TrigramWordSimilarity(query, "title")
    matches = queryset.alias(title_similarity=title_similarity).filter(
        Q(search_vector=search_query)
        | (~Exists(full_text_matches.values("pk")) & Q(title_similarity__gte=TRIGRAM_THRESHOLD))
    )
    # The two kinds of match never mix: either every row matched the full text or none did.
    return matches.annotate(
        search_rank=Case(
            When(search_vector=search_query, then=SearchRank(F("search_vector"), search_query)),
            default=F("title_similarity"),
            output_field=FloatField(),
        ),
        # Escaped first, highlighted second: only ts_headline's own <mark> tags are markup.
        # The whole summary with every match marked (stems too: "trained" marks "training") ...
        search_summary_headline=SearchHeadline(
            _html_escaped("summary"),
            search_query,
            config=SEARCH_CONFIG,
            start_sel=HIGHLIGHT_START,
            stop_sel=HIGHLIGHT_STOP,
            highlight_all=True,
        ),
        # ... and, for when only the body matches, up to two short passages of it.
        search_body_headline=SearchHeadline(
            _html_escaped("body"),
            search_query,
            config=SEARCH_CONFIG,
            start_sel=HIGHLIGHT_START,
            stop_sel=HIGHLIGHT_STOP,
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
        ),
    )


# A "quoted phrase", a -word to exclude, or a plain word. "or" is websearch syntax, not a word.
SEARCH_TOKEN = re.compile(r'(-?)"([^"]+)"|(-?)([^\s"]+)')


def parse_search_terms(query):
    """Split a query into (terms that must appear, terms that must not), lower-cased."""
    required, excluded = [], []
    for match in SEARCH_TOKEN.finditer(normalize_search_query(query)):
        negated = bool(match.group(1) or match.group(3))
        term = (match.group(2) or match.group(4) or "").strip().lower()
        term = term if match.group(2) else term.strip(".,;:!?()[]{}'")
        if not term or (term == "or" and not match.group(2)):
            continue
        (excluded if negated else required).append(term)
    return required, excluded


def _search_simple(queryset, query):
    required, excluded = parse_search_terms(query)
    if not required and not excluded:  # Only syntax, e.g. "or" or "-": nothing to match on.
        return queryset.annotate(search_rank=Value(0.0))
    for term in required:
        queryset = queryset.filter(Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term))
    for term in excluded:
        queryset = queryset.exclude(Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term))
    rank = Value(0.0)
    for term in required:
        for field_name, weight in (("title", 4.0), ("summary", 2.0), ("body", 1.0)):
            rank += Case(When(**{f"{field_name}__icontains": term}, then=Value(weight)), default=Value(0.0))
    return queryset.annotate(search_rank=rank)


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


# --- Facet counts ----------------------------------------------------------------------
# Each facet is one aggregate query over the vocabulary, whatever the number of options.


def vocabulary_counts(vocabulary_model, resources):
    """Every term of a vocabulary (Topic, ResourceKind, Audience), in its own order, each
    annotated with `match_count`: how many of `resources` carry it. One query."""
    return vocabulary_model.objects.annotate(
        match_count=Count("resources", filter=Q(resources__in=resources.values("pk")), distinct=True)
    )


def practice_counts(resources):
    """{Practice: number of `resources` tagged with it} for all four practices. One query."""
    rows = (
        ResourcePractice.objects.filter(resource__in=resources.values("pk"))
        .values("practice")
        .annotate(match_count=Count("resource", distinct=True))
        .order_by()
    )
    counts = {row["practice"]: row["match_count"] for row in rows}
    return {practice: counts.get(practice.value, 0) for practice in Practice}


def resolution_status_counts(resources, today):
    """{"yes": resolutions still in force, "no": expired} among `resources`. One query."""
    resolutions = Q(kind__slug=RESOLUTION_KIND_SLUG, sunset_date__isnull=False)
    return Resource.objects.filter(pk__in=resources.values("pk")).aggregate(
        yes=Count("pk", filter=resolutions & Q(sunset_date__gte=today)),
        no=Count("pk", filter=resolutions & Q(sunset_date__lt=today)),
    )


# --- Pages ---------------------------------------------------------------------------------


def featured_resources(limit=3):
    """Published resources staff marked as featured, newest first, ready for cards."""
    return Resource.objects.published().filter(featured=True).with_card_relations()[:limit]


def newest_resources(limit=6, exclude=()):
    """The most recently published resources (leaving out the pks in `exclude`), ready for cards."""
    resources = Resource.objects.published().exclude(pk__in=exclude)
    return resources.with_card_relations().order_by("-published_at", "title")[:limit]


def browse_terms(vocabulary_model):
    """Vocabulary terms that have published resources, each with `match_count`. One query."""
    return vocabulary_counts(vocabulary_model, Resource.objects.published()).filter(match_count__gt=0)


def resource_page_queryset(user):
    """Resources `user` may open (published; staff also drafts and archived), with what the
    resource page shows fetched up front so the page costs a fixed number of queries."""
    return (
        Resource.objects.visible_to(user)
        .select_related("kind", "superseded_by")
        .prefetch_related("topics", "audiences", "practice_tags", "supersedes")
    )


def visible_superseding_resource(resource, user):
    """The resource that replaced `resource`, if any and if `user` may see it."""
    replacement = resource.superseded_by
    if replacement and (replacement.status == Resource.Status.PUBLISHED or user.is_staff):
        return replacement
    return None


def visible_replaced_resources(resource, user):
    """The resources `resource` replaces that `user` may see (uses the prefetch)."""
    return [
        replaced
        for replaced in resource.supersedes.all()
        if replaced.status == Resource.Status.PUBLISHED or user.is_staff
    ]


def related_resources(resource, limit=4):
    """Other published resources sharing topics with `resource`, most shared topics first.

    One query (plus none for the topic ids when `resource.topics` was prefetched).
    """
    topic_ids = [topic.pk for topic in resource.topics.all()]
    if not topic_ids:
        return Resource.objects.none()
    return (
        Resource.objects.published()
        .exclude(pk=resource.pk)
        .filter(topics__in=topic_ids)
        .annotate(shared_topic_count=Count("topics", output_field=IntegerField()))
        .select_related("kind")
        .order_by("-shared_topic_count", "-published_at", "title")[:limit]
    )


def recommended_citation(resource, url):
    """A plain-text citation: "Publisher. (Year). Title. Retrieved from URL"; no publisher puts the title first."""
    title = resource.title.strip()
    title_part = title if title.endswith((".", "?", "!")) else f"{title}."
    year_part = f"({resource.display_year or 'n.d.'})."
    publisher = resource.publisher.strip().rstrip(".")
    parts = [f"{publisher}.", year_part, title_part] if publisher else [title_part, year_part]
    return " ".join([*parts, f"Retrieved from {url}"])
