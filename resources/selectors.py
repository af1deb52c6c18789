"""Reads for the catalog: facet counts, and what the home, resource and pledge pages show of it.

Search itself lives in resources.search; views and feeds call these and never branch on
the database.
"""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F, IntegerField, Q, Value, Window
from django.db.models.functions import RowNumber

from clearinghouse.content_versions import CATALOG
from clearinghouse.one_mind import Practice
from clearinghouse.page_cache import cached_for_version
from resources.facet_arrays import FacetArray, carrying_all
from resources.models import RESOLUTION_KIND_SLUG, Audience, Resource, ResourceKind, ResourcePractice, Topic


def cached_catalog_read(key_parts, compute):
    """`compute()`, cached until the catalog next changes (or the day does: resolutions' status
    depends on the date). Facet counts and the home page's counts go through here, so pages,
    sort orders and visitors with a session share them."""
    return cached_for_version(CATALOG, key_parts, compute)


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


@dataclass
class FacetTally:
    """Counts of one set of resources by kind, topic and audience (pks), practice and resolution status."""

    kind: dict
    topic: dict
    audience: dict
    practice: dict
    in_force: dict


# One row per counted term: (set, facet, term, resources carrying it). Arrays: migration 0007.
_TALLY_PARTS = {
    "kind": "SELECT {index}, 'kind', kind_id::text, count(*) FROM {base} GROUP BY kind_id",
    "topic": "SELECT {index}, 'topic', term::text, count(*) FROM {base}, unnest(facet_topic_ids) term GROUP BY term",
    "audience": (
        "SELECT {index}, 'audience', term::text, count(*) FROM {base}, unnest(facet_audience_ids) term GROUP BY term"
    ),
    "practice": "SELECT {index}, 'practice', term, count(*) FROM {base}, unnest(facet_practices) term GROUP BY term",
    "in_force": (
        "SELECT {index}, 'in_force', CASE WHEN sunset_date >= %s THEN 'yes' ELSE 'no' END, count(*) FROM {base}"
        " WHERE kind_id = %s AND sunset_date IS NOT NULL GROUP BY 3"
    ),
}


def tally_facets_postgresql(resource_sets, *, today, resolution_kind_id):
    """Facet counts of several sets of resources in ONE query (PostgreSQL).

    `resource_sets`: [(queryset, facet names to count in it)]. Each set is evaluated once (a
    materialized CTE of its matching rows: kind, sunset date and the facet arrays that
    migration 0007 keeps on the row), then every facet is counted from it without joins.
    Returns one FacetTally per set, in order.
    """
    ctes, parts, params, part_params = [], [], [], []
    for index, (resources, facet_names) in enumerate(resource_sets):
        rows = (
            resources.order_by()
            .values("kind_id", "sunset_date")
            .annotate(
                facet_topic_ids=FacetArray("facet_topic_ids"),
                facet_audience_ids=FacetArray("facet_audience_ids"),
                facet_practices=FacetArray("facet_practices"),
            )
        )
        try:
            sql, sql_params = rows.query.sql_with_params()
        except EmptyResultSet:  # A set that cannot match anything (e.g. no similar titles): all zero.
            continue
        ctes.append(f"base_{index} AS MATERIALIZED ({sql})")
        params += sql_params
        for name in facet_names:
            if name == "in_force" and resolution_kind_id is None:
                continue
            parts.append(_TALLY_PARTS[name].format(index=index, base=f"base_{index}"))
            part_params += [today, resolution_kind_id] if name == "in_force" else []
    params += part_params
    tallies = [FacetTally({}, {}, {}, {}, {"yes": 0, "no": 0}) for _ in resource_sets]
    if not parts:
        return tallies
    with connections[resource_sets[0][0].db].cursor() as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} " + " UNION ALL ".join(parts), params)
        for index, facet, term, count in cursor.fetchall():
            getattr(tallies[index], facet)[term] = count
    return tallies


@dataclass(frozen=True)
class VocabularyTerm:
    pk: int
    slug: str
    name: str


def vocabulary_terms():
    """{"kind": [...], "topic": [...], "audience": [...]}: every term as VocabularyTerm, in each
    vocabulary's order. One query, cached until the catalog changes."""

    def read():
        columns = ("pk", "slug", "name", "sort_order", "vocabulary")
        parts = [
            model.objects.order_by().annotate(vocabulary=Value(param)).values_list(*columns)
            for param, model in (("kind", ResourceKind), ("topic", Topic), ("audience", Audience))
        ]
        terms = {"kind": [], "topic": [], "audience": []}
        for pk, slug, name, sort_order, vocabulary in parts[0].union(*parts[1:], all=True):
            terms[vocabulary].append((sort_order, name, VocabularyTerm(pk, slug, name)))
        return {param: [term for *_order, term in sorted(entries)] for param, entries in terms.items()}

    return cached_catalog_read(("vocabulary-terms",), read)


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


def resource_cards(resource_ids, search=None):
    """The published resources with these pks, in this order, ready for cards; with `search`
    (a PreparedSearch), highlighted by the database where it can.

    Results are found in two steps: first the pks of one page, ranked (a narrow sort), then the
    rows of those twenty alone. Sorting whole rows, bodies included, spilled to disk at 100,000
    resources. A fixed number of queries: the rows, topics and practices.
    """
    resources = Resource.objects.filter(pk__in=list(resource_ids)).with_card_relations()
    if search is not None:
        resources = search.with_headlines(resources)
    by_pk = {resource.pk: resource for resource in resources}
    return [by_pk[pk] for pk in resource_ids if pk in by_pk]


def featured_resources(limit=3):
    """Published resources staff marked as featured, newest first, ready for cards."""
    return Resource.objects.published().filter(featured=True).with_card_relations()[:limit]


def newest_resources(limit=6, exclude=()):
    """The most recently published resources (leaving out the pks in `exclude`), ready for cards."""
    resources = Resource.objects.published().exclude(pk__in=exclude)
    return resources.with_card_relations().order_by("-published_at", "title")[:limit]


def published_practice_counts():
    """{Practice: number of published resources tagged with it}, cached until the catalog changes."""
    return cached_catalog_read(("practice-counts",), lambda: practice_counts(Resource.objects.published()))


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
        .select_related("kind", "superseded_by", "link_check")
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


# Beyond this many topics, the exact shortcut below would take too many subsets: group instead.
MAX_TOPICS_FOR_SUBSETS = 4


def related_resources(resource, limit=4):
    """Other published resources sharing topics with `resource`, most shared topics first, then newest.

    Two queries at most (none for the topic ids when `resource.topics` was prefetched). On
    PostgreSQL the candidates are found without counting every resource that shares a topic
    (tens of thousands at full size): for each non-empty subset S of the topics, the `limit`
    newest resources carrying all of S (a GIN index on the facet arrays, migration 0007). That
    is exact: a resource missing from the list for its own shared set S has `limit` newer
    resources sharing at least S above it, so it would not be shown anyway.
    """
    topic_ids = sorted(topic.pk for topic in resource.topics.all())
    if not topic_ids:
        return []
    others = Resource.objects.published().exclude(pk=resource.pk)
    if connections[others.db].vendor == "postgresql" and len(topic_ids) <= MAX_TOPICS_FOR_SUBSETS:
        subsets = [
            [topic_id for bit, topic_id in enumerate(topic_ids) if mask >> bit & 1]
            for mask in range(1, 2 ** len(topic_ids))
        ]
        branches = [
            others.order_by()
            .filter(carrying_all("facet_topic_ids", subset))
            .order_by("-published_at", "title")
            .values_list("pk", flat=True)[:limit]
            for subset in subsets
        ]
        candidates = set(branches[0].union(*branches[1:], all=True))
        others = others.filter(pk__in=candidates)
    return list(
        others.filter(topics__in=topic_ids)
        .annotate(shared_topic_count=Count("topics", output_field=IntegerField()))
        .select_related("kind")
        .defer("search_vector", "search_head")
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


# --- The pledge pages ------------------------------------------------------------------------

HELPFUL_RESOURCES_PER_PRACTICE = 4


def helpful_resources(*, limit=HELPFUL_RESOURCES_PER_PRACTICE):
    """Up to `limit` published catalog resources per practice (featured, then newest), and each practice's total.

    One query: a window function ranks the resources within each practice.
    """
    ranked = (
        ResourcePractice.objects.filter(resource__status=Resource.Status.PUBLISHED)
        .select_related("resource__kind")
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("practice")],
                order_by=[
                    F("resource__featured").desc(),
                    F("resource__published_at").desc(nulls_last=True),
                    F("resource__title").asc(),
                ],
            ),
            practice_total=Window(Count("pk"), partition_by=[F("practice")]),
        )
        .filter(position__lte=limit)
        .order_by("practice", "position")
    )
    resources = {practice: [] for practice in Practice}
    totals = dict.fromkeys(Practice, 0)
    for tag in ranked:
        resources[Practice(tag.practice)].append(tag.resource)
        totals[Practice(tag.practice)] = tag.practice_total
    return resources, totals


def policy_resource_choices():
    """Published catalog resources tagged with the policy practice: the model policies an agency may follow."""
    tagged = ResourcePractice.objects.filter(practice=Practice.POLICY).values("resource_id")
    return Resource.objects.published().filter(pk__in=tagged).only("pk", "title").order_by("title")
