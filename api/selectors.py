"""Reads for the API and the downloads: public rows only, a fixed number of queries per page or chunk.

- Resources: published only (drafts and archived never), with their kind, topics, audiences
  and practices; `superseded_by_slug` names the replacement only when it is published too.
- Agencies: the public roster (pledges.selectors.roster_agencies: never contact details), with
  each current public pledge's four practices, without their evidence.
"""

from django.db.models import Case, CharField, Count, F, Prefetch, Q, When
from django.db.models.functions import ExtractYear

from clearinghouse.one_mind import PRACTICE_DESCRIPTIONS, Practice
from pledges.constants import US_STATE_NAMES
from pledges.filters import PUBLIC_STATUS_LABELS
from pledges.models import Agency, PracticeProgress
from pledges.selectors import PUBLIC_PROGRESS_DEFERRED_FIELDS, roster_agencies, roster_counts, with_roster_pledge_joined
from resources.models import Audience, Resource, ResourceKind, Topic
from resources.selectors import published_practice_counts

# Stored only for search: never part of a record.
SEARCH_ONLY_FIELDS = ("search_vector", "search_head", "search_tags")


def published_resources_with_relations(resources=None):
    """`resources` (default: every published resource) with what ResourceSerializer reads.

    Five queries when evaluated whatever the number of rows (the rows with their kind, then
    topics, audiences and practices); chunked the same way by .iterator(chunk_size).
    """
    resources = Resource.objects.published() if resources is None else resources
    return (
        resources.filter(status=Resource.Status.PUBLISHED)
        .select_related("kind")
        .defer(*SEARCH_ONLY_FIELDS)
        .prefetch_related(
            Prefetch("topics", queryset=Topic.objects.only("slug", "sort_order", "name")),
            Prefetch("audiences", queryset=Audience.objects.only("slug", "sort_order", "name")),
            "practice_tags",
        )
        .annotate(
            superseded_by_slug=Case(
                When(superseded_by__status=Resource.Status.PUBLISHED, then=F("superseded_by__slug")),
                default=None,
                output_field=CharField(),
            )
        )
    )


def published_resources_in_order(resource_ids):
    """The published resources with these pks, in this order, ready for ResourceSerializer."""
    resources = published_resources_with_relations(Resource.objects.filter(pk__in=list(resource_ids)))
    by_pk = {resource.pk: resource for resource in resources}
    return [by_pk[pk] for pk in resource_ids if pk in by_pk]


def _public_practices():
    return Prefetch(
        "roster_pledge__practices",
        queryset=PracticeProgress.objects.defer(*PUBLIC_PROGRESS_DEFERRED_FIELDS).order_by("pk"),
    )


def roster_agencies_with_practices(agencies):
    """`agencies` (from the roster's FilterSet) with their public pledge and its practices. Two queries
    (per chunk when iterated)."""
    return with_roster_pledge_joined(agencies).prefetch_related(_public_practices())


def attach_agency_to_pledges(agencies):
    """Practice evaluation reads pledge.agency (sworn officers): give each pledge its agency, with no query."""
    for agency in agencies:
        agency.roster_pledge.agency = agency
        yield agency


def roster_agencies_in_order(pledge_ids):
    """The roster's agencies whose current public pledges are these, in this order."""
    agencies = roster_agencies_with_practices(roster_agencies().filter(roster_pledge_id__in=list(pledge_ids)))
    by_pledge = {agency.roster_pledge_id: agency for agency in attach_agency_to_pledges(agencies)}
    return [by_pledge[pk] for pk in pledge_ids if pk in by_pledge]


def roster_agency(slug):
    """One agency of the public roster, ready for AgencySerializer, or None."""
    agencies = list(attach_agency_to_pledges(roster_agencies_with_practices(roster_agencies().filter(slug=slug))))
    return agencies[0] if agencies else None


def vocabulary_with_counts(model):
    """Every term of a vocabulary, in its order, with how many published resources carry it. One query."""
    return (
        model.objects.annotate(
            published_resources=Count("resources", filter=Q(resources__status=Resource.Status.PUBLISHED))
        )
        .only("slug", "name", "description", "sort_order")
        .order_by(*model._meta.ordering)
    )


def practices_with_counts():
    counts = published_practice_counts()
    return [
        {
            "slug": practice.value,
            "name": practice.label,
            "description": PRACTICE_DESCRIPTIONS[practice],
            "published_resources": counts.get(practice, 0),
        }
        for practice in Practice
    ]


def statistics():
    """The summary statistics of the API, from the roster and the published catalog. Six queries."""
    counts = roster_counts()
    by_status = [
        {"key": status.value, "label": label, "count": counts_value}
        for (status, label), counts_value in zip(
            PUBLIC_STATUS_LABELS.items(), (counts.in_progress, counts.completed, counts.lapsed), strict=True
        )
    ]
    by_state = [
        {"key": region.state, "label": US_STATE_NAMES.get(region.state, region.state), "count": region.pledged}
        for region in counts.by_region
        if region.country == "US"
    ]
    on_roster = Agency.objects.filter(roster_pledge__isnull=False)
    by_year = (
        on_roster.exclude(roster_approved_at__isnull=True)
        .annotate(year=ExtractYear("roster_approved_at"))
        .order_by("year")
        .values_list("year")
        .annotate(count=Count("*"))
    )
    verified = dict(
        PracticeProgress.objects.filter(pledge__agency__roster_pledge=F("pledge"), verified_at__isnull=False)
        .order_by()
        .values_list("practice")
        .annotate(count=Count("*"))
    )
    published = Q(resources__status=Resource.Status.PUBLISHED)
    return {
        "agencies_by_status": by_status,
        "agencies_by_state": by_state,
        "agencies_by_year": [{"key": str(year), "label": str(year), "count": count} for year, count in by_year],
        "practices_verified": [
            {"key": practice.value, "label": practice.label, "count": verified.get(practice.value, 0)}
            for practice in Practice
        ],
        "resources_by_kind": [
            {"key": term.slug, "label": term.name, "count": term.count}
            for term in ResourceKind.objects.annotate(count=Count("resources", filter=published))
        ],
        "resources_by_topic": [
            {"key": term.slug, "label": term.name, "count": term.count}
            for term in Topic.objects.annotate(count=Count("resources", filter=published))
        ],
        "demo_agencies": on_roster.filter(is_demo=True).count(),
    }
