"""factory_boy factories for the catalog.

Vocabulary factories get-or-create by slug: the data migration seeds the same slugs,
and transactional tests (the browser tests) flush migration data between tests.
"""

import factory
from django.utils.text import slugify

from clearinghouse.one_mind import Practice
from resources.models import Audience, Resource, ResourceKind, ResourcePractice, Topic
from resources.search.documents import refresh_search_tags
from tests.migration_data import run_data_migration


class ResourceKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceKind
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kind {n}")
    slug = factory.LazyAttribute(lambda kind: slugify(kind.name))
    plural_name = factory.LazyAttribute(lambda kind: f"{kind.name}s")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda topic: slugify(topic.name))


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audience
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Audience {n}")
    slug = factory.LazyAttribute(lambda audience: slugify(audience.name))


class ResourceFactory(factory.django.DjangoModelFactory):
    """A published report with an external URL unless told otherwise."""

    class Meta:
        model = Resource
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Resource number {n}")
    slug = factory.LazyAttribute(lambda resource: slugify(resource.title))
    kind = factory.SubFactory(ResourceKindFactory, slug="report", name="Report", plural_name="Reports")
    summary = "A short plain-text summary of the resource."
    body = ""
    publisher = "International Association of Chiefs of Police (IACP)"
    year_published = 2020
    external_url = factory.LazyAttribute(lambda resource: f"https://example.org/{resource.slug}")
    status = Resource.Status.PUBLISHED

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def audiences(self, create, extracted, **kwargs):
        if create and extracted:
            self.audiences.set(extracted)

    @factory.post_generation
    def practices(self, create, extracted, **kwargs):
        if create and extracted:
            ResourcePractice.objects.bulk_create(
                [ResourcePractice(resource=self, practice=Practice(practice)) for practice in extracted]
            )
            refresh_search_tags([self.pk])  # As every bulk writer must (resources.search.documents).


class ResolutionFactory(ResourceFactory):
    kind = factory.SubFactory(ResourceKindFactory, slug="resolution", name="Resolution", plural_name="Resolutions")
    year_published = None
    year_adopted = 2014


# --- Migration data, restored on demand (catalog curation): see tests/migration_data.py ---


def ensure_seeded_vocabularies():
    """The resource kinds, topics and audiences of migration 0002, as the seed and imports expect."""
    run_data_migration("resources.migrations.0002_seed_vocabularies", "seed_vocabularies")


def ensure_curators_group():
    """The Curators group and its permissions (resources 0004 and 0008; suggestions, usage, alerts 0002)."""
    from django.contrib.auth.models import Group

    from resources.roles import CURATORS_GROUP

    run_data_migration("resources.migrations.0004_curators_group", "create_curators_group")
    run_data_migration("resources.migrations.0008_search_synonyms", "grant_curators")
    run_data_migration("suggestions.migrations.0002_curators_moderate_suggestions", "grant_curators")
    run_data_migration("usage.migrations.0002_curators_see_usage", "grant_curators")
    run_data_migration("alerts.migrations.0002_curators_see_alerts", "grant_curators")
    return Group.objects.get(name=CURATORS_GROUP)


def ensure_seeded_synonyms():
    """The search synonyms of migration 0008 (CIT, MHFA, AOT and the like)."""
    run_data_migration("resources.migrations.0008_search_synonyms", "seed_synonyms")
