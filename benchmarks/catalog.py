"""The catalog benchmark suite: thousands of published resources, then the public catalog pages.

`populate(size)` creates `size` resources (about nine in ten published) with topics,
audiences and One Mind practices, written with bulk_create so that 5,000 take seconds,
and returns the pages to measure. The text is generated from the field's own
vocabulary so that searches match a realistic share of the catalog.
"""

import datetime
import random
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from benchmarks.cases import Case
from clearinghouse.one_mind import Practice
from resources.models import RESOLUTION_KIND_SLUG, Audience, Resource, ResourceKind, ResourcePractice, Topic

BATCH_SIZE = 500
PUBLISHED_SHARE = 0.9

SUBJECTS = [
    "Crisis intervention team",
    "Mental Health First Aid",
    "Co-responder program",
    "Mobile crisis response",
    "988 and 911 coordination",
    "De-escalation",
    "Assisted outpatient treatment",
    "Mental health court",
    "Pre-arrest diversion",
    "Officer wellness",
    "Naloxone distribution",
    "Prescription monitoring",
    "Sequential Intercept Model",
    "Behavioral health emergency",
    "Community mental health partnership",
]
FORMS = [
    "model policy",
    "training guide",
    "report",
    "toolkit",
    "fact sheet",
    "evaluation",
    "implementation guide",
    "lessons learned",
    "case study",
    "resolution",
]
PLACES = ["Springfield", "Riverside", "Franklin", "Greenville", "Madison", "Clinton", "Fairview", "Salem", "Georgetown"]
SENTENCES = [
    "This {form} describes how agencies in {place} built a {subject} with local partners.",
    "Officers responding to people in a mental health crisis used {subject} practices to reduce use of force.",
    "The {subject} approach pairs sworn officers with clinicians and dispatchers.",
    "It covers policy, training hours, data collection and the role of supervisors.",
    "Agencies report fewer arrests and more referrals to community treatment after adopting it.",
    "Dispatch protocols route calls about suicide risk to the 988 lifeline when it is safe to do so.",
    "The document includes a sample general order and a checklist for command staff.",
    "Evaluators compared outcomes before and after the {subject} began in {place}.",
    "Training emphasizes time, distance and communication when a person is in crisis.",
    "Partners include hospitals, peer-support organizations and the county behavioral health department.",
    "Chiefs describe the budget, staffing and legal questions they resolved along the way.",
    "Appendices list performance measures for the {subject} and how to report them publicly.",
]
PUBLISHERS = [
    "International Association of Chiefs of Police (IACP)",
    "Bureau of Justice Assistance",
    "Council of State Governments Justice Center",
    "National Council for Mental Wellbeing",
    "Police Executive Research Forum",
]


def _sentences(rng, count, subject, form, place):
    return " ".join(
        rng.choice(SENTENCES).format(subject=rng.choice([subject, *SUBJECTS]).lower(), form=form, place=place)
        for _ in range(count)
    )


def _vocabulary(model):
    terms = list(model.objects.all())
    if not terms:
        raise RuntimeError(f"No {model._meta.verbose_name_plural}: the benchmark database needs the seed migrations")
    return terms


def populate(size):
    """Create `size` resources with their tags and return the catalog pages to measure."""
    rng = random.Random(2016)  # Fixed, so every run measures the same catalog.
    kinds = _vocabulary(ResourceKind)
    topics = _vocabulary(Topic)
    audiences = _vocabulary(Audience)
    now = timezone.now()

    resources = []
    for number in range(size):
        subject, form, place = rng.choice(SUBJECTS), rng.choice(FORMS), rng.choice(PLACES)
        kind = rng.choice(kinds)
        title = f"{subject} {form}: {place} {number}"
        published = rng.random() < PUBLISHED_SHARE
        resource = Resource(
            title=title,
            slug=slugify(title),
            kind=kind,
            summary=_sentences(rng, 2, subject, form, place),
            body=_sentences(rng, rng.randint(6, 16), subject, form, place),
            publisher=rng.choice(PUBLISHERS),
            year_published=rng.randint(1995, 2025),
            external_url=f"https://example.org/resources/{number}",
            status=Resource.Status.PUBLISHED if published else Resource.Status.DRAFT,
            published_at=now - datetime.timedelta(hours=number) if published else None,
            featured=number < 6,
        )
        if kind.slug == RESOLUTION_KIND_SLUG:
            resource.year_published = None
            resource.year_adopted = rng.randint(2000, 2025)
            resource.sunset_date = resource.computed_sunset_date()
        resources.append(resource)
    # bulk_create skips save(), so published_at and sunset_date are set above.
    Resource.objects.bulk_create(resources, batch_size=BATCH_SIZE)
    resource_ids = list(Resource.objects.order_by("pk").values_list("pk", flat=True))

    topic_links, audience_links, practice_tags = [], [], []
    for resource_id in resource_ids:
        for topic in rng.sample(topics, rng.randint(1, 3)):
            topic_links.append(Resource.topics.through(resource_id=resource_id, topic_id=topic.pk))
        for audience in rng.sample(audiences, rng.randint(0, 2)):
            audience_links.append(Resource.audiences.through(resource_id=resource_id, audience_id=audience.pk))
        for practice in rng.sample(list(Practice), rng.randint(0, 2)):
            practice_tags.append(ResourcePractice(resource_id=resource_id, practice=practice))
    Resource.topics.through.objects.bulk_create(topic_links, batch_size=BATCH_SIZE)
    Resource.audiences.through.objects.bulk_create(audience_links, batch_size=BATCH_SIZE)
    ResourcePractice.objects.bulk_create(practice_tags, batch_size=BATCH_SIZE)

    catalog = reverse("resources:list")
    sample = (
        Resource.objects.published()
        .filter(topics__isnull=False, practice_tags__isnull=False)
        .order_by("pk")
        .values_list("slug", flat=True)
        .first()
    )
    filters = urlencode(
        [("topic", "crisis-intervention-team"), ("topic", "de-escalation"), ("practice", "cit"), ("year_min", 2010)]
    )
    search_and_filters = urlencode([("q", "crisis intervention"), ("topic", "de-escalation"), ("practice", "cit")])
    return [
        Case("home", reverse("home")),
        Case("catalog", catalog),
        Case("catalog, filtered", f"{catalog}?{filters}"),
        Case("catalog, keyword search", f"{catalog}?{urlencode({'q': 'crisis intervention'})}"),
        Case("catalog, misspelled search", f"{catalog}?{urlencode({'q': 'crisis intervantion'})}"),
        # One misspelled word: the typo fallback can narrow the titles down with the trigram index.
        Case("catalog, misspelled word", f"{catalog}?{urlencode({'q': 'naloxne'})}"),
        # A search within filters: each facet counts the matches under a different set of filters.
        Case("catalog, search and filters", f"{catalog}?{search_and_filters}"),
        Case("catalog, page 100", f"{catalog}?page=100"),
        Case("resource page", reverse("resources:detail", kwargs={"slug": sample})),
    ]
