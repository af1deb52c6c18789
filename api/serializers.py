"""What the API, the JSON and CSV downloads and the data page's field dictionary say about each record.

One serializer per dataset: its fields (with their help text) are the OpenAPI schema's, the
exports' columns and the /data/ page's field dictionary, so the three never disagree.
Public fields only: agencies' contact details, pledge evidence, drafts and archived resources
are never read by the querysets these serializers are given (api/selectors.py).
"""

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from clearinghouse.one_mind import Practice
from clearinghouse.uploads import TYPE_LABELS, file_extension
from pledges.filters import PUBLIC_STATUS_LABELS
from pledges.models import Agency, Pledge

PUBLIC_STATUSES = [(status.value, label) for status, label in PUBLIC_STATUS_LABELS.items()]


def absolute(request, path):
    return request.build_absolute_uri(path) if request is not None else path


class ResourceSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="The resource's permanent identifier, part of its page address.")
    title = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The resource's page in the catalog.")
    kind = serializers.CharField(source="kind.slug", help_text="Slug of its kind (see /api/v1/kinds/).")
    kind_name = serializers.CharField(source="kind.name", help_text="Name of its kind, e.g. “Model policy”.")
    summary = serializers.CharField(help_text="A few sentences, plain text.")
    topics = serializers.SerializerMethodField(help_text="Slugs of its topics (see /api/v1/topics/).")
    audiences = serializers.SerializerMethodField(help_text="Slugs of its audiences (see /api/v1/audiences/).")
    practices = serializers.SerializerMethodField(
        help_text="One Mind practices it helps an agency meet: partnership, policy, mhfa, cit."
    )
    publisher = serializers.CharField(help_text="Who published it; may be empty.")
    partners = serializers.SerializerMethodField(help_text="Partner organizations.")
    year_published = serializers.IntegerField(allow_null=True, help_text="Year of publication, when known.")
    external_url = serializers.CharField(help_text="Link to the resource elsewhere; may be empty.")
    file_url = serializers.SerializerMethodField(help_text="Download address of its file, or null if it has none.")
    file_type = serializers.SerializerMethodField(help_text="Type of its file, e.g. “PDF”, or null.")
    file_size = serializers.IntegerField(allow_null=True, help_text="Size of its file in bytes, or null.")
    year_adopted = serializers.IntegerField(allow_null=True, help_text="Resolutions: year the IACP adopted it.")
    adopted_on = serializers.DateField(allow_null=True, help_text="Resolutions: exact adoption date, when known.")
    identifier = serializers.CharField(help_text="Resolutions: the IACP identifier, e.g. NDD.028.a07; else empty.")
    submitting_committee = serializers.CharField(help_text="Resolutions: the committee that submitted it.")
    adopting_conference = serializers.CharField(help_text="Resolutions: the conference that adopted it.")
    sunset_date = serializers.DateField(allow_null=True, help_text="Resolutions: the day it stops being in force.")
    in_force = serializers.BooleanField(
        allow_null=True, help_text="Resolutions: true while the sunset date has not passed; null when not known."
    )
    superseded_by = serializers.CharField(
        source="superseded_by_slug", allow_null=True, help_text="Slug of the published resource that replaces it."
    )
    published_at = serializers.DateTimeField(allow_null=True, help_text="When it was first published here.")
    created_at = serializers.DateTimeField(help_text="When the record was created.")
    updated_at = serializers.DateTimeField(help_text="When the record last changed.")

    def get_url(self, resource) -> str:
        return absolute(self.context.get("request"), resource.get_absolute_url())

    def get_topics(self, resource) -> list[str]:
        return [topic.slug for topic in resource.topics.all()]

    def get_audiences(self, resource) -> list[str]:
        return [audience.slug for audience in resource.audiences.all()]

    def get_practices(self, resource) -> list[str]:
        return [tag.practice for tag in resource.practice_tags.all()]

    def get_partners(self, resource) -> list[str]:
        return resource.partner_list()

    def get_file_url(self, resource) -> str | None:
        if not resource.file:
            return None
        return absolute(self.context.get("request"), reverse("resources:download", kwargs={"slug": resource.slug}))

    def get_file_type(self, resource) -> str | None:
        return TYPE_LABELS.get(file_extension(resource.file.name), "File") if resource.file else None


class VocabularyTermSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="The value to filter resources by (kind=, topic=, audience=, practice=).")
    name = serializers.CharField()
    description = serializers.CharField(help_text="What the term covers; may be empty.")
    published_resources = serializers.IntegerField(help_text="How many published resources carry it.")


class PracticeStatusSerializer(serializers.Serializer):
    practice = serializers.ChoiceField(choices=Practice.choices, help_text="partnership, policy, mhfa or cit.")
    name = serializers.CharField(help_text="The practice's name.")
    met = serializers.BooleanField(help_text="The agency's latest report meets the practice.")
    verified = serializers.BooleanField(help_text="Campaign staff have verified the practice.")


class AgencySerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="The agency's identifier, part of its page address.")
    name = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The agency's page on the roster.")
    agency_type = serializers.ChoiceField(choices=Agency.AgencyType.choices, help_text="Type of agency.")
    city = serializers.CharField()
    state = serializers.CharField(help_text="US state or territory code (e.g. OH); a region's name elsewhere.")
    state_name = serializers.CharField(help_text="The state's or region's name.")
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 country code.")
    ori = serializers.CharField(help_text="The FBI's Originating Agency Identifier, when given; may be empty.")
    sworn_officers = serializers.IntegerField()
    non_sworn_staff = serializers.IntegerField(allow_null=True)
    website = serializers.CharField(help_text="The agency's public website; may be empty.")
    is_demo = serializers.BooleanField(help_text="Demonstration data, not a real agency: leave out of analyses.")
    status = serializers.ChoiceField(
        choices=PUBLIC_STATUSES,
        source="roster_pledge.status",
        help_text="Pledge status: approved (in progress), completed or lapsed.",
    )
    pledged_on = serializers.SerializerMethodField(help_text="Day the pledge was approved (the agency joined).")
    deadline = serializers.DateField(source="roster_pledge.deadline", allow_null=True, help_text="Pledge deadline.")
    completed_on = serializers.SerializerMethodField(help_text="Day all four practices were verified, or null.")
    badge_url = serializers.SerializerMethodField(help_text="Completion badge (SVG) for completed agencies, or null.")
    practices = serializers.SerializerMethodField(help_text="Each One Mind practice's status.")

    def get_url(self, agency) -> str:
        return absolute(self.context.get("request"), agency.get_absolute_url())

    def get_pledged_on(self, agency) -> str | None:
        return _local_date(agency.roster_pledge.approved_at)

    def get_completed_on(self, agency) -> str | None:
        return _local_date(agency.roster_pledge.completed_at)

    def get_badge_url(self, agency) -> str | None:
        if agency.roster_pledge.status != Pledge.Status.COMPLETED:
            return None
        return absolute(self.context.get("request"), reverse("pledges:badge", kwargs={"slug": agency.slug}))

    def get_practices(self, agency) -> PracticeStatusSerializer(many=True):
        return PracticeStatusSerializer(practice_statuses(agency.roster_pledge), many=True).data


def _local_date(moment):
    return timezone.localdate(moment).isoformat() if moment else None


def practice_statuses(pledge):
    """The four practices of `pledge` (practices prefetched, agency set), in Practice order."""
    by_practice = {progress.practice: progress for progress in pledge.practices.all()}
    statuses = []
    for practice in Practice:
        progress = by_practice.get(practice.value)
        statuses.append(
            {
                "practice": practice.value,
                "name": practice.label,
                "met": bool(progress and progress.is_met),
                "verified": bool(progress and progress.is_verified),
            }
        )
    return statuses


class CountSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="What is counted: a status, state code, year, practice, kind or topic.")
    label = serializers.CharField(help_text="The key as people read it.")
    count = serializers.IntegerField()


class StatisticsSerializer(serializers.Serializer):
    agencies_by_status = CountSerializer(many=True, help_text="Agencies on the roster by pledge status.")
    agencies_by_state = CountSerializer(many=True, help_text="Agencies on the roster by US state (code).")
    agencies_by_year = CountSerializer(many=True, help_text="Agencies by the year their pledge was approved.")
    practices_verified = CountSerializer(many=True, help_text="Agencies on the roster with each practice verified.")
    resources_by_kind = CountSerializer(many=True, help_text="Published resources by kind.")
    resources_by_topic = CountSerializer(many=True, help_text="Published resources by topic.")
    demo_agencies = serializers.IntegerField(
        help_text="How many of the agencies counted are demonstration data (is_demo), as the roster shows them."
    )
