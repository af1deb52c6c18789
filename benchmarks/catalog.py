"""The benchmark catalog: generated resources with realistic text, tags, kinds and statuses.

`generate_resources` yields `GeneratedResource`s: an unsaved Resource (with its id already
chosen, so tags can point at it before it is written) and its topics, audiences and One
Mind practices. The loader (benchmarks.load) writes them in bulk; benchmarks.import_csv
writes the same resources as rows of the import CSV. Everything comes from one seeded
random stream, so a given size always gives the same catalog.

Shares, roughly as in the real clearinghouse: 90% published (7% drafts, 3% archived); every
kind, reports and articles the most common, resolutions about one in twelve (with the year
adopted, a sunset date, an IACP identifier such as NDD.028.a07, the committee and the
conference); 1 to 3 topics, 0 to 2 audiences, 0 to 2 One Mind practices each.
"""

import datetime
import itertools
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import slugify

from benchmarks.vocabulary import (
    AUDIENCE_WORDS,
    CONFERENCE_CITIES,
    IACP_COMMITTEES,
    ORGANIZATIONS,
    PUBLISHERS,
    TextGenerator,
    Zipf,
)
from clearinghouse.one_mind import Practice
from pledges.constants import US_STATE_NAMES
from resources.models import RESOLUTION_KIND_SLUG, Resource
from resources.search.documents import search_tags_text

PUBLISHED_SHARE = 0.90
DRAFT_SHARE = 0.07  # the rest are archived
FEATURED_COUNT = 6
CATALOG_YEARS = 10  # resources were published over the last ten years
IACP = PUBLISHERS[0]

# How common each kind is; kinds curators add later get the weight of an external link.
KIND_WEIGHTS = {
    "report": 20,
    "article": 14,
    "training": 10,
    "toolkit": 9,
    "external-link": 9,
    "resolution": 8,
    "model-policy": 7,
    "video": 7,
    "concepts-and-issues-paper": 4,
    "legislative-initiative": 4,
    "messaging-sheet": 3,
    "campaign": 3,
}
DEFAULT_KIND_WEIGHT = 9
AUDIENCE_WEIGHTS = {"officers": 10, "leadership": 8, "trainers": 5, "dispatch": 4, "mental-health-partners": 4}
DEFAULT_AUDIENCE_WEIGHT = 3


@dataclass
class Vocabularies:
    """The catalog's curated terms as the database has them: slug -> id (and the kinds' names)."""

    kinds: dict
    topics: dict
    audiences: dict
    kind_names: dict = field(default_factory=dict)
    topic_names: dict = field(default_factory=dict)
    audience_names: dict = field(default_factory=dict)

    @classmethod
    def from_database(cls):
        from resources.models import Audience, ResourceKind, Topic

        def slugs(model):
            terms = dict(model.objects.values_list("slug", "pk"))
            if not terms:
                raise RuntimeError(
                    f"No {model._meta.verbose_name_plural} in the database: it needs the seed migrations (migrate)."
                )
            return terms

        return cls(
            kinds=slugs(ResourceKind),
            topics=slugs(Topic),
            audiences=slugs(Audience),
            kind_names=dict(ResourceKind.objects.values_list("slug", "name")),
            topic_names=dict(Topic.objects.values_list("slug", "name")),
            audience_names=dict(Audience.objects.values_list("slug", "name")),
        )


@dataclass
class GeneratedResource:
    resource: Resource
    kind_slug: str
    topic_slugs: list = field(default_factory=list)
    audience_slugs: list = field(default_factory=list)
    practices: list = field(default_factory=list)


def _ordinal(number):
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _recent_year(rng, low, high):
    """A year between low and high, later years more likely (the field grew after 2015)."""
    return high - int((high - low + 1) * rng.random() ** 1.8)


class ResourceGenerator:
    def __init__(self, rng, vocabularies, *, now=None):
        self.rng = rng
        self.text = TextGenerator(rng)
        self.vocabularies = vocabularies
        self.now = now or timezone.now()
        self.kind_slugs = list(vocabularies.kinds)
        self.kind_weights = [KIND_WEIGHTS.get(slug, DEFAULT_KIND_WEIGHT) for slug in self.kind_slugs]
        self.kind_names = {slug: vocabularies.kind_names.get(slug, slug.replace("-", " ")) for slug in self.kind_slugs}
        self.audience_slugs = list(vocabularies.audiences)
        self.audience_weights = [AUDIENCE_WEIGHTS.get(slug, DEFAULT_AUDIENCE_WEIGHT) for slug in self.audience_slugs]
        self.topic_slugs = list(vocabularies.topics)
        self.publishers = Zipf(PUBLISHERS, exponent=1.0, offset=1)
        self.states = list(US_STATE_NAMES.values())
        self.used_slugs = set()
        self.identifier_numbers = {}
        self.current_year = self.now.year

    def unique_slug(self, title):
        base = slugify(title)[:240].strip("-") or "resource"
        slug = base
        for number in itertools.count(2):
            if slug not in self.used_slugs:
                break
            slug = f"{base}-{number}"
        self.used_slugs.add(slug)
        return slug

    def _tags(self, subject):
        rng = self.rng
        topic_count = rng.choices((1, 2, 3), weights=(35, 45, 20))[0]
        topics = [slug for slug in subject.topics if slug in self.vocabularies.topics][:topic_count]
        while len(topics) < topic_count:
            slug = rng.choice(self.topic_slugs)
            if slug not in topics:
                topics.append(slug)
        audience_count = rng.choices((0, 1, 2), weights=(30, 45, 25))[0]
        audiences = []
        while len(audiences) < min(audience_count, len(self.audience_slugs)):
            slug = rng.choices(self.audience_slugs, weights=self.audience_weights)[0]
            if slug not in audiences:
                audiences.append(slug)
        practice_count = rng.choices((0, 1, 2), weights=(45, 40, 15))[0]
        practices = list(subject.practices[:practice_count])
        while len(practices) < practice_count:
            value = rng.choice(Practice.values)
            if value not in practices:
                practices.append(value)
        return topics, audiences, practices

    def _resolution_fields(self, resource):
        rng = self.rng
        year = _recent_year(rng, 1995, self.current_year - 1)
        code, committee = rng.choice(IACP_COMMITTEES)
        number = self.identifier_numbers.get((code, year), rng.randint(1, 20))
        self.identifier_numbers[(code, year)] = number + 1
        resource.year_published = None
        resource.year_adopted = year
        if rng.random() < 0.5:
            resource.adopted_on = datetime.date(year, 10, rng.randint(1, 28))
        resource.identifier = f"{code}.{number:03d}.a{year % 100:02d}"
        resource.submitting_committee = committee
        resource.adopting_conference = f"{_ordinal(year - 1893)} Annual Conference, {rng.choice(CONFERENCE_CITIES)}"
        resource.sunset_date = resource.computed_sunset_date()

    def generate(self, count, *, first_id):
        """Yield `count` GeneratedResources with ids first_id, first_id + 1, ..."""
        rng, text = self.rng, self.text
        featured_left = FEATURED_COUNT
        span = datetime.timedelta(days=365 * CATALOG_YEARS).total_seconds()
        for index in range(count):
            subject = text.subjects.pick(rng)
            other = text.subjects.pick(rng)
            while other is subject:
                other = text.subjects.pick(rng)
            kind_slug = rng.choices(self.kind_slugs, weights=self.kind_weights)[0]
            is_resolution = kind_slug == RESOLUTION_KIND_SLUG
            publisher = IACP if is_resolution else self.publishers.pick(rng)
            place, state = text.place(), rng.choice(self.states)
            title_slots = {
                "subject": subject.name,
                "other": other.name,
                "place": place,
                "state": state,
                "audience": rng.choice(AUDIENCE_WORDS),
                "publisher": publisher.split(" (")[0],
            }
            title = text.title(kind_slug, title_slots)[:255]
            sentence_slots = {
                "subject": Zipf(subject.phrases, offset=1),
                "other": Zipf(other.phrases, offset=1),
                "place": place,
                "state": state,
                "kind": self.kind_names[kind_slug].lower(),
            }
            summary = text.paragraph(sentence_slots, rng.randint(2, 3))
            body = "\n\n".join(
                text.paragraph(sentence_slots, rng.randint(2, 6))
                for _ in range(rng.choices((1, 2, 3, 4, 5), (15, 30, 30, 15, 10))[0])
            )

            roll = rng.random()
            if roll < PUBLISHED_SHARE:
                status = Resource.Status.PUBLISHED
            elif roll < PUBLISHED_SHARE + DRAFT_SHARE:
                status = Resource.Status.DRAFT
            else:
                status = Resource.Status.ARCHIVED
            # Ids grow with time, as in a real catalog: the last ones are the newest.
            age = datetime.timedelta(seconds=span * (1 - (index + rng.random()) / count))
            published_at = self.now - age if status != Resource.Status.DRAFT else None
            created_at = (published_at or self.now - age) - datetime.timedelta(days=rng.uniform(0, 30))
            featured = status == Resource.Status.PUBLISHED and index >= count - 200 and featured_left > 0
            if featured:
                featured_left -= 1
            slug = self.unique_slug(title)
            resource = Resource(
                id=first_id + index,
                title=title,
                slug=slug,
                summary=summary,
                body=body,
                publisher=publisher,
                partners=(
                    "\n".join(f"{text.place()} {rng.choice(ORGANIZATIONS)}" for _ in range(rng.randint(1, 3)))
                    if rng.random() < 0.25
                    else ""
                ),
                year_published=_recent_year(rng, 1990, self.current_year),
                external_url=f"https://resources.example.org/{slug}",
                status=status,
                featured=featured,
                published_at=published_at,
                created_at=created_at,
                updated_at=min(
                    self.now, (published_at or created_at) + datetime.timedelta(days=rng.choice((0, 0, 0, 1, 30, 200)))
                ),
            )
            resource.kind_id = self.vocabularies.kinds[kind_slug]
            if is_resolution:
                self._resolution_fields(resource)
            if "excited delirium" in subject.phrases and rng.random() < 0.5:
                resource.caution_note = (
                    "This resource uses the term “excited delirium”, which medical associations no longer "
                    "recognize as a diagnosis."
                )
            # About one in a hundred was replaced by a later resource.
            if index < count - 1 and rng.random() < 0.01:
                resource.superseded_by_id = first_id + rng.randint(index + 1, count - 1)
            topics, audiences, practices = self._tags(subject)
            # Written with the row, so the trigger computes its vectors once (resources.search.documents).
            resource.search_tags = search_tags_text(
                kind_name=self.vocabularies.kind_names.get(kind_slug, ""),
                topic_names=[self.vocabularies.topic_names.get(slug, "") for slug in topics],
                audience_names=[self.vocabularies.audience_names.get(slug, "") for slug in audiences],
                practices=practices,
            )
            yield GeneratedResource(resource, kind_slug, topics, audiences, practices)
