"""Reads for the catalog: search, facet counts, and what the home and resource pages show.

Views and feeds call these; none of them branches on the database. PostgreSQL gets
real full-text search (a weighted vector kept by a trigger, see migration 0003);
SQLite, the zero-set-up default, gets a simpler case-insensitive match behind the
same function.
"""

import json
import re
from dataclasses import dataclass
from functools import cached_property

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connections, transaction
from django.db.models import Case, Count, Exists, F, IntegerField, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Replace
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from clearinghouse.one_mind import Practice
from resources.models import RESOLUTION_KIND_SLUG, Resource, ResourceKind, ResourcePractice

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
      similarity of at least TRIGRAM_THRESHOLD) are returned instead, ranked by that
      similarity, so a misspelling still finds something. The two kinds of match never mix.
      Rows also get `search_summary_headline` (the HTML-escaped summary with matched words
      wrapped in <mark>) and `search_body_headline` (passages of the escaped body, marked
      the same way); `search_snippet` picks one.
    - Other databases: every word (or "quoted phrase") must appear, case-insensitively, in
      the title, summary or body; `-word` excludes. Rank counts where each word appears
      (title 4, summary 2, body 1). `attach_search_snippets` highlights in Python.

    An empty query returns `queryset` unchanged (and unannotated). This is
    `prepare_search(queryset, query).apply(queryset)`: to apply one search to several
    querysets (results and facet counts), prepare it once and apply it to each.
    """
    return prepare_search(queryset, query).apply(queryset)


@dataclass(frozen=True)
class PreparedSearch:
    """A search resolved once into the resources it matches, to apply to any number of querysets.

    A catalog page applies its search to several queries: the results, their count and each
    facet count. Finding the matches once and handing every query the list of matching pks
    costs one full-text evaluation (or one typo fallback, which compares the query with every
    candidate title) per page instead of one per query. The pks travel as ONE parameter (a
    PostgreSQL array literal, a JSON array on SQLite), which the database parses far faster
    than a long IN (%s, %s, ...) list and which has no limit on the number of pks.

    `match_ids` are the pks of the matches in the queryset the search was prepared against;
    `is_typo_fallback` (PostgreSQL only) says the typo fallback found them. Apply the search
    only to that queryset or to querysets within it.
    """

    query: str
    match_ids: tuple = ()
    is_typo_fallback: bool = False

    def filter(self, queryset):
        """The matching resources of `queryset`, without rank or headlines: enough to count them."""
        if not self.query:
            return queryset
        return queryset.filter(pk__in=self._match_ids_subquery(connections[queryset.db].vendor))

    def apply(self, queryset):
        """The matching resources of `queryset`, annotated as `search_resources` describes."""
        if not self.query:
            return queryset
        if connections[queryset.db].vendor == "postgresql":
            return _annotate_postgresql(self.filter(queryset), self)
        return _annotate_simple(self.filter(queryset), self.query)

    def _match_ids_subquery(self, vendor):
        if vendor == "postgresql":
            return RawSQL("SELECT unnest(%s::bigint[])", [self._match_ids_array])
        if vendor == "sqlite":
            return RawSQL("SELECT value FROM json_each(%s)", [self._match_ids_json])
        return list(self.match_ids)

    @cached_property
    def _match_ids_array(self):
        return "{" + ",".join(str(int(pk)) for pk in self.match_ids) + "}"

    @cached_property
    def _match_ids_json(self):
        return json.dumps([int(pk) for pk in self.match_ids])


def prepare_search(queryset, query):
    """`query` resolved against `queryset`, ready to `apply()` to it or to querysets within it.

    One query finds the matches (on PostgreSQL, a second statement first sets the typo
    fallback's threshold: see `_postgresql_match_ids`); none when there is no query.
    """
    query = normalize_search_query(query)
    if not query:
        return PreparedSearch(query)
    if connections[queryset.db].vendor == "postgresql":
        return PreparedSearch(query, *_postgresql_match_ids(queryset, query))
    matches = _filter_simple(queryset.order_by(), *parse_search_terms(query))
    return PreparedSearch(query, tuple(matches.values_list("pk", flat=True)))


def _full_text_query(query):
    return SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)


def _postgresql_match_ids(queryset, query):
    """(pks of the resources in `queryset` matching `query`, whether the typo fallback found them).

    One statement returns the full-text matches and, only if there are none, the resources
    whose title resembles the query. The NOT EXISTS is uncorrelated, so PostgreSQL evaluates
    it once, first (an InitPlan), and never compares titles when the full text found something.
    `%>` (word similarity of at least pg_trgm.word_similarity_threshold) can use the trigram
    index on title, where comparing word_similarity() with a number cannot. The threshold is
    set for this transaction only (or, inside a caller's transaction, until that one ends; no
    other query uses it), so `%>` means "at least TRIGRAM_THRESHOLD".
    """
    full_text_matches = queryset.order_by().filter(search_vector=_full_text_query(query))
    resembling_titles = queryset.order_by().filter(~Exists(full_text_matches), title__trigram_word_similar=query)
    matches = full_text_matches.annotate(is_typo_fallback=Value(False)).values_list("pk", "is_typo_fallback")
    matches = matches.union(
        resembling_titles.annotate(is_typo_fallback=Value(True)).values_list("pk", "is_typo_fallback"), all=True
    )
    with transaction.atomic(using=queryset.db, savepoint=False):
        with connections[queryset.db].cursor() as cursor:
            cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(TRIGRAM_THRESHOLD)])
        rows = list(matches)
    return tuple(pk for pk, _is_typo_fallback in rows), any(is_typo_fallback for _pk, is_typo_fallback in rows)


def _html_escaped(field_name):
    expression = F(field_name)
    for character, entity in HTML_ESCAPES:
        expression = Replace(expression, Value(character), Value(entity), output_field=TextField())
    return expression


def _annotate_postgresql(matches, search):
    search_query = _full_text_query(search.query)
    # Typo fallback matches rank by how much their title resembles the query; others by ts_rank.
    if search.is_typo_fallback:
        search_rank = TrigramWordSimilarity(search.query, "title")
    else:
        search_rank = SearchRank(F("search_vector"), search_query)
    return matches.annotate(
        search_rank=search_rank,
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


def _filter_simple(queryset, required, excluded):
    """Every required term in the title, summary or body, case-insensitively; no excluded one.
    Only syntax (e.g. "or" or "-") leaves nothing to match on: everything matches."""
    for term in required:
        queryset = queryset.filter(Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term))
    for term in excluded:
        queryset = queryset.exclude(Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term))
    return queryset


def _annotate_simple(matches, query):
    required, _excluded = parse_search_terms(query)
    rank = Value(0.0)
    for term in required:
        for field_name, weight in (("title", 4.0), ("summary", 2.0), ("body", 1.0)):
            rank += Case(When(**{f"{field_name}__icontains": term}, then=Value(weight)), default=Value(0.0))
    return matches.annotate(search_rank=rank)


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
# Aggregate queries whose number does not depend on the number of options. No DISTINCT is
# needed: a resource has one kind, and the unique constraints allow one row per resource and
# topic, audience or practice, so counting rows counts resources (and skips a sort per query).


@dataclass(frozen=True)
class TermCount:
    """A facet option: a vocabulary term and how many of the resources counted carry it."""

    slug: str
    name: str
    match_count: int


# The columns of every part of the facet counts' UNION ALL, in the same order in each part.
FACET_COLUMNS = ("term_id", "term_order", "term_name", "term_slug", "vocabulary", "match_count")


def _term_columns(prefix=""):
    # With the term's primary key among the grouped columns, PostgreSQL groups by that alone.
    return {
        "term_id": F(f"{prefix}id"),
        "term_order": F(f"{prefix}sort_order"),
        "term_name": F(f"{prefix}name"),
        "term_slug": F(f"{prefix}slug"),
    }


def _carried_term_counts(vocabulary_model, resources, position):
    """The terms at least one of `resources` carries, with how many do: FACET_COLUMNS rows.

    Filtering before counting makes an inner join that PostgreSQL starts from the matching
    resources, so the work follows the number of matches rather than the catalog's size.
    """
    if vocabulary_model is ResourceKind:
        # A kind is a column of the resource itself: group the resources by it.
        return (
            resources.order_by()
            .annotate(**_term_columns("kind__"))
            .values("term_id", "term_order", "term_name", "term_slug")
            .annotate(vocabulary=Value(position), match_count=Count("pk"))
            .values(*FACET_COLUMNS)
        )
    # Topics and audiences: group the terms (by primary key), joined to those resources' links.
    return (
        vocabulary_model.objects.filter(resources__in=resources.values("pk"))
        .order_by()
        .annotate(**_term_columns(), vocabulary=Value(position), match_count=Count("resources"))
        .values(*FACET_COLUMNS)
    )


def vocabulary_facet_counts(facets):
    """Terms of several vocabularies, each counted among its own resources, in ONE query.

    `facets` maps a vocabulary model (ResourceKind, Topic, Audience) to (resources, selected
    slugs). Returns {vocabulary model: [TermCount, ...]}: the terms that at least one of
    those resources carries, with how many do, plus the selected terms (0 when none does),
    in the vocabulary's order. A UNION ALL saves a round trip per vocabulary.
    """
    models = list(facets)
    parts = []
    for position, model in enumerate(models):
        resources, selected_slugs = facets[model]
        parts.append(_carried_term_counts(model, resources, position))
        if selected_slugs:  # Listed even when nothing carries them, so they can be unticked.
            parts.append(
                model.objects.filter(slug__in=selected_slugs)
                .order_by()
                .annotate(**_term_columns(), vocabulary=Value(position), match_count=Value(0))
                .values(*FACET_COLUMNS)
            )
    rows = parts[0].union(*parts[1:], all=True).order_by("vocabulary", "term_order", "term_name")
    counts = {model: {} for model in models}
    for row in rows:  # A selected term that is also counted comes twice: keep its count.
        terms = counts[models[row["vocabulary"]]]
        previous = terms.get(row["term_slug"])
        if previous is None or row["match_count"] > previous.match_count:
            terms[row["term_slug"]] = TermCount(row["term_slug"], row["term_name"], row["match_count"])
    return {model: list(terms.values()) for model, terms in counts.items()}


def practice_counts(resources):
    """{Practice: number of `resources` tagged with it} for all four practices. One query."""
    rows = (
        ResourcePractice.objects.filter(resource__in=resources.values("pk"))
        .values("practice")
        .annotate(match_count=Count("resource"))
        .order_by()
    )
    counts = {row["practice"]: row["match_count"] for row in rows}
    return {practice: counts.get(practice.value, 0) for practice in Practice}


def resolution_status_counts(resources, today):
    """{"yes": resolutions still in force, "no": expired} among `resources`. One query."""
    resolutions = Q(kind__slug=RESOLUTION_KIND_SLUG, sunset_date__isnull=False)
    return resources.aggregate(
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
    """Vocabulary terms that have published resources, in the vocabulary's order, each with
    `match_count`: how many published resources carry it. One query.

    Filtering before counting makes an inner join that starts from the published resources
    (on PostgreSQL, read from the catalog's partial index of them, migration 0005) instead of
    counting over every resource with a FILTER.
    """
    return (
        vocabulary_model.objects.filter(resources__status=Resource.Status.PUBLISHED)
        .annotate(match_count=Count("resources"))
        # A GROUP BY query ignores Meta.ordering: ask for the vocabulary's order explicitly.
        .order_by(*vocabulary_model._meta.ordering)
    )


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
