"""The Atom feed of a catalog search, at /resources/feed/?... and /resources/?...&format=atom."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from resources.models import Resource
from tests.resources.factories import ResourceFactory, TopicFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def parse_feed(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entry_titles(feed):
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


@pytest.fixture
def topics(db):
    """Three topics in a known order (titles list terms in the vocabulary's order, not the URL's)."""
    topics = {
        "training": TopicFactory(slug="training", name="Training"),
        "crisis": TopicFactory(slug="cit-teams", name="Crisis intervention teams"),
        "policy": TopicFactory(slug="policy", name="Policy"),
    }
    for sort_order, topic in enumerate(topics.values()):
        topic.sort_order = sort_order
        topic.save()
    return topics


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/resources/feed/?topic=training", "/resources/?topic=training&format=atom"])
def test_the_feed_is_valid_atom_of_the_filtered_results(client, topics, path):
    ResourceFactory(
        title="CIT training curriculum",
        slug="cit-training-curriculum",
        summary="Forty hours of <b>training</b> & practice.",
        publisher="CIT International",
        topics=[topics["training"], topics["crisis"]],
    )
    ResourceFactory(title="Model policy", topics=[topics["policy"]])
    ResourceFactory(title="Draft training", topics=[topics["training"]], status=Resource.Status.DRAFT)

    feed = parse_feed(client.get(path))

    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Clearinghouse resources: Training"
    assert feed.findtext(f"{ATOM}id")
    assert feed.findtext(f"{ATOM}updated")
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["alternate"] == "http://testserver/resources/?topic=training"
    assert links["self"] == f"http://testserver{path}"
    entries = list(feed.iter(f"{ATOM}entry"))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.findtext(f"{ATOM}title") == "CIT training curriculum"
    assert entry.findtext(f"{ATOM}id") == "http://testserver/resources/cit-training-curriculum/"
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/resources/cit-training-curriculum/"
    assert entry.findtext(f"{ATOM}updated")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "CIT International"
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # type="html" content is read as HTML by feed readers, so the summary's own "<" must arrive escaped.
    assert summary.text == "Forty hours of &lt;b&gt;training&lt;/b&gt; &amp; practice."
    assert {category.get("term") for category in entry.findall(f"{ATOM}category")} == {
        "Training",
        "Crisis intervention teams",
    }


@pytest.mark.django_db
def test_the_feed_title_names_every_filter(client, topics):
    feed = parse_feed(client.get("/resources/feed/", {"topic": ["cit-teams", "training"]}))
    assert feed.findtext(f"{ATOM}title") == "Clearinghouse resources: Training, Crisis intervention teams"


@pytest.mark.django_db
def test_the_unfiltered_feed_lists_the_newest_fifty(client):
    now = timezone.now()
    for number in range(55):
        resource = ResourceFactory(title=f"Resource {number:02d}")
        Resource.objects.filter(pk=resource.pk).update(published_at=now - datetime.timedelta(days=number))

    feed = parse_feed(client.get("/resources/feed/"))

    assert feed.findtext(f"{ATOM}title") == "Clearinghouse resources"
    titles = entry_titles(feed)
    assert len(titles) == 50
    assert titles[:2] == ["Resource 00", "Resource 01"]
    assert "Resource 54" not in titles


@pytest.mark.django_db
def test_a_search_feed_is_newest_first_not_best_match(client):
    now = timezone.now()
    older = ResourceFactory(title="Naloxone naloxone naloxone", summary="Naloxone.")
    newer = ResourceFactory(title="Overdose response", summary="Mentions naloxone once.")
    Resource.objects.filter(pk=older.pk).update(published_at=now - datetime.timedelta(days=30))
    Resource.objects.filter(pk=newer.pk).update(published_at=now)

    feed = parse_feed(client.get("/resources/feed/", {"q": "naloxone"}))

    assert feed.findtext(f"{ATOM}title") == "Clearinghouse resources matching “naloxone”"
    assert entry_titles(feed) == ["Overdose response", "Naloxone naloxone naloxone"]


@pytest.mark.django_db
def test_invalid_filters_in_the_feed_are_ignored(client, topics):
    ResourceFactory(title="Anything")
    feed = parse_feed(client.get("/resources/feed/", {"topic": "no-such-topic", "year_min": "abc"}))
    assert feed.findtext(f"{ATOM}title") == "Clearinghouse resources"
    assert entry_titles(feed) == ["Anything"]


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_feed_query_count_does_not_grow(client, topics, django_assert_max_num_queries, size):
    for number in range(size):
        ResourceFactory(title=f"Resource {number}", topics=[topics["training"]])
    # Validating the topic, the entries' pks, the entries, their topics and practices.
    with django_assert_max_num_queries(5):
        parse_feed(client.get("/resources/feed/", {"topic": "training"}))
