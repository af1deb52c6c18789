"""The text search finds a resource by besides its own: the names of its kind, topics,
audiences and One Mind practices, kept in `Resource.search_tags`.

They live in other tables, so a trigger on the resource row cannot see them change; this module
is the one place that writes them. Signals (resources.signals) call it after the admin or a
service changes a resource's tags or renames a term; bulk writers (the CSV import, the benchmark
loader) call `refresh_search_tags` themselves once, after their last batch. On PostgreSQL the
row trigger then folds the new tags into the weighted search vector, and the same refresh
writes the facet arrays (migration 0007) that the catalog counts facets from. A bulk writer that
knows the names may instead write `search_tags_text` with its rows and call
`refresh_facet_arrays` after them: the vectors are then computed once, as the rows go in.
"""

from django.db import connections
from django.db.models import Aggregate, Case, CharField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat

from clearinghouse.one_mind import Practice
from resources.models import Resource, ResourceKind, ResourcePractice


class JoinedNames(Aggregate):
    """The names of a group joined by spaces (string_agg on PostgreSQL, group_concat on SQLite)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ' ')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def _joined(queryset, name_expression):
    """One row per resource (OuterRef) with the names of `queryset`'s rows joined."""
    return Subquery(
        queryset.filter(resource_id=OuterRef("pk"))
        .order_by()
        .values("resource_id")
        .annotate(names=JoinedNames(name_expression))
        .values("names")
    )


PRACTICE_LABEL = Case(
    *(When(practice=value, then=Value(label)) for value, label in Practice.choices), default=Value("")
)


def search_tags_expression():
    """SQL for a resource's tags as one line of text, in a fixed order: kind, topics, audiences, practices."""
    parts = [
        Subquery(ResourceKind.objects.filter(pk=OuterRef("kind_id")).values("name")),
        _joined(Resource.topics.through.objects, "topic__name"),
        _joined(Resource.audiences.through.objects, "audience__name"),
        _joined(ResourcePractice.objects, PRACTICE_LABEL),
    ]
    pieces = []
    for part in parts:
        pieces += [Coalesce(part, Value(""), output_field=CharField()), Value(" ")]
    return Concat(*pieces[:-1], output_field=CharField())


# PostgreSQL only (migration 0007): the facet arrays that resources.selectors counts facets from.
FACET_ARRAYS_SQL = """
    UPDATE resources_resource SET
        facet_topic_ids = coalesce((SELECT array_agg(topic_id ORDER BY topic_id)
            FROM resources_resource_topics WHERE resource_id = resources_resource.id), '{}'),
        facet_audience_ids = coalesce((SELECT array_agg(audience_id ORDER BY audience_id)
            FROM resources_resource_audiences WHERE resource_id = resources_resource.id), '{}'),
        facet_practices = coalesce((SELECT array_agg(practice ORDER BY practice)
            FROM resources_resourcepractice WHERE resource_id = resources_resource.id), '{}')
"""


def refresh_search_tags(resource_ids=None):
    """Recompute `search_tags` (and, on PostgreSQL, the facet arrays) for these resources, every
    resource when None. One UPDATE (two on PostgreSQL)."""
    if resource_ids is not None:
        resource_ids = [int(pk) for pk in resource_ids]
    resources = Resource.objects.all() if resource_ids is None else Resource.objects.filter(pk__in=resource_ids)
    updated = resources.update(search_tags=search_tags_expression())
    refresh_facet_arrays(resource_ids, using=resources.db)
    return updated


def refresh_facet_arrays(resource_ids=None, *, using="default"):
    """Recompute the facet arrays (PostgreSQL only) for these resources, every resource when None.

    For bulk writers that already wrote `search_tags` with the rows (`search_tags_text`): the
    update touches no searched text, so the trigger keeps the vectors (migration 0006).
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if resource_ids is None:
            cursor.execute(FACET_ARRAYS_SQL)
        else:
            cursor.execute(FACET_ARRAYS_SQL + " WHERE id = ANY(%s)", [[int(pk) for pk in resource_ids]])


def search_tags_text(*, kind_name, topic_names=(), audience_names=(), practices=()):
    """`search_tags` as `search_tags_expression` writes it, for a bulk writer that knows the names:
    kind, topics, audiences, practice labels (Practice values), each group separated by a space."""
    groups = [kind_name, " ".join(topic_names), " ".join(audience_names)]
    groups.append(" ".join(Practice(practice).label for practice in practices))
    return " ".join(groups)


def refresh_search_tags_for_term(term):
    """After a kind, topic or audience is renamed: refresh the resources that carry it (their
    facet arrays hold ids, which a rename leaves as they are)."""
    if isinstance(term, ResourceKind):
        carriers = Q(kind=term)
    else:
        links = Resource.topics.through if term._meta.model_name == "topic" else Resource.audiences.through
        carriers = Q(pk__in=links.objects.filter(**{term._meta.model_name: term}).values("resource_id"))
    return Resource.objects.filter(carriers).update(search_tags=search_tags_expression())
