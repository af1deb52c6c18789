"""The public catalog pages: home, the list, a resource, its download, the sitemap."""

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clearinghouse.one_mind import Practice
from resources.models import Resource
from tests.resources.factories import (
    AudienceFactory,
    ResolutionFactory,
    ResourceFactory,
    ResourceKindFactory,
    TopicFactory,
)

LIST_URL = "/resources/"
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def page_text(response):
    """The response's visible text, tags stripped and whitespace collapsed, for assertions on what users read."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    html = re.sub(r"</?(span|mark|a|strong|em|abbr|svg|use)\b[^>]*>", "", html)  # Inline: no word break.
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def h1_count(response):
    return len(re.findall(r"<h1[\s>]", response.content.decode()))


@pytest.fixture
def staff_client(client, django_user_model):
    staff = django_user_model.objects.create_user(username="curator", password="not-used-here", is_staff=True)
    client.force_login(staff)
    return client


def make_catalog(size):
    """`size` published resources, each with two topics, an audience and a practice, plus a draft."""
    kind = ResourceKindFactory(slug="report", name="Report")
    topics = [TopicFactory(slug="training", name="Training"), TopicFactory(slug="policy", name="Policy")]
    audience = AudienceFactory(slug="officers", name="Officers")
    for number in range(size):
        ResourceFactory(
            title=f"Crisis guide {number:03d}",
            kind=kind,
            topics=topics,
            audiences=[audience],
            practices=[Practice.CIT],
            body="Crisis response in depth.",
        )
    ResolutionFactory(title="Crisis resolution", topics=topics[:1])
    ResourceFactory(title="Draft crisis guide", status=Resource.Status.DRAFT, topics=topics)


# --- Home ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_explains_the_clearinghouse_and_offers_search_and_browsing(client):
    training = TopicFactory(slug="training", name="Training")
    ResourceFactory(title="Featured guide", featured=True, topics=[training], practices=[Practice.MHFA])
    ResourceFactory(title="Newest guide")
    ResourceFactory(title="Unpublished guide", status=Resource.Status.DRAFT, featured=True)

    response = client.get("/")

    assert response.status_code == 200
    assert h1_count(response) == 1
    text = page_text(response)
    assert "clearinghouse gathers model policies" in text
    assert "Featured resources Featured guide" in text
    assert "Newest resources Newest guide" in text
    assert "Unpublished guide" not in text
    assert "Training (1)" in text
    assert "Mental Health First Aid training (1)" in text
    content = response.content.decode()
    assert f'href="{reverse("pledges:start")}"' in content
    assert 'href="/resources/?topic=training"' in content
    assert 'action="/resources/" method="get"' in content
    assert 'name="q"' in content


@pytest.mark.django_db
def test_home_works_with_an_empty_catalog(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No resources have been published yet." in page_text(response)


# --- The list -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_published_resources_with_their_details(client):
    policy = TopicFactory(slug="policy", name="Policy")
    ResourceFactory(title="A model policy", year_published=2018, topics=[policy], summary="How to respond.")
    ResourceFactory(title="Hidden draft", status=Resource.Status.DRAFT)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert h1_count(response) == 1
    text = page_text(response)
    assert "1 resource" in text
    assert "A model policy Report 2018 How to respond. Policy" in text
    assert "Hidden draft" not in text


@pytest.mark.django_db
def test_filters_show_counts_and_checked_state(client):
    make_catalog(3)
    response = client.get(LIST_URL, {"topic": "training", "kind": "report"})
    content = response.content.decode()
    text = page_text(response)
    assert "3 resources" in text
    assert 'id="topic-training" type="checkbox" name="topic" value="training" checked' in content
    assert 'id="kind-report" type="checkbox" name="kind" value="report" checked' in content
    # The kind facet counts within topic=training whatever kind is ticked: 3 reports, 1 resolution.
    assert "Report (3 resources)" in text
    assert "Resolution (1 resource)" in text


@pytest.mark.django_db
def test_search_results_show_highlighted_snippets(client):
    ResourceFactory(title="Co-responder guide", summary="Clinicians ride along with <b>officers</b>.")
    response = client.get(LIST_URL, {"q": "clinicians"})
    content = response.content.decode()
    assert "<mark>Clinicians</mark>" in content
    assert "&lt;b&gt;officers&lt;/b&gt;" in content
    assert "1 resource matching “clinicians”" in page_text(response)


@pytest.mark.django_db
def test_a_hostile_title_is_escaped_everywhere(client):
    ResourceFactory(title="<script>alert(1)</script> Crisis", summary="<script>alert(2)</script> crisis")
    response = client.get(LIST_URL, {"q": "crisis"})
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Crisis" in content


@pytest.mark.django_db
def test_active_filters_are_chips_that_remove_one_value_each(client):
    make_catalog(2)
    response = client.get(LIST_URL, {"q": "crisis", "topic": ["training", "policy"], "year_min": "2000", "page": "1"})
    chips = dict(re.findall(r'<a class="catalog-chip" href="([^"]+)">.*?</span>([^<]+)<svg', response.content.decode()))
    chips = {label: unescape(url) for url, label in chips.items()}
    assert chips == {
        "Search: “crisis”": "/resources/?topic=training&topic=policy&year_min=2000",
        "Topic: Training": "/resources/?q=crisis&topic=policy&year_min=2000",
        "Topic: Policy": "/resources/?q=crisis&topic=training&year_min=2000",
        "From year: 2000": "/resources/?q=crisis&topic=training&topic=policy",
    }
    assert 'href="/resources/?q=crisis">Clear all filters</a>' in response.content.decode()


@pytest.mark.django_db
def test_pagination_twenty_a_page(client):
    make_catalog(25)
    first = client.get(LIST_URL, {"topic": "policy"})
    assert first.context["page_obj"].object_list.__len__() == 20
    assert "Showing 1–20 of 25." in page_text(first)
    assert 'href="/resources/?topic=policy&amp;page=2"' in first.content.decode()

    second = client.get(LIST_URL, {"topic": "policy", "page": "2"})
    assert len(second.context["resources"]) == 5
    assert "Showing 21–25 of 25." in page_text(second)
    # Page 1's link drops the parameter; the filters stay.
    assert 'href="/resources/?topic=policy" class="usa-pagination__button" aria-label="Page 1"' in (
        second.content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["999", "0", "-3", "abc", "1.5", ""])
def test_an_out_of_range_or_malformed_page_is_not_an_error(client, page):
    make_catalog(25)
    response = client.get(LIST_URL, {"page": page})
    assert response.status_code == 200
    assert len(response.context["resources"]) in (20, 6)


@pytest.mark.django_db
def test_the_empty_state_says_so_and_offers_to_clear_the_filters(client):
    make_catalog(1)
    response = client.get(LIST_URL, {"q": "crisis", "kind": "resolution", "year_min": "2100"})
    text = page_text(response)
    assert "No resources found" in text
    assert "No published resource matches “crisis” with these filters." in text
    assert 'href="/resources/?q=crisis">clear all filters</a>' in response.content.decode()


# --- How a search found its results, and "did you mean" ---------------------------------------

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL search's fallbacks")


@postgresql_only
@pytest.mark.django_db
def test_the_page_says_when_no_resource_matches_every_word(client):
    ResourceFactory(title="Mobile data terminals")
    ResourceFactory(title="Outreach workers")
    text = page_text(client.get(LIST_URL, {"q": "mobile outreach"}))
    assert "No resource matches every word of “mobile outreach”; showing resources that match most of them." in text
    assert "2 resources matching “mobile outreach”" in text


@postgresql_only
@pytest.mark.django_db
def test_the_page_says_when_few_resources_match_every_word(client):
    ResourceFactory(title="Mobile outreach teams")
    ResourceFactory(title="Mobile data terminals")
    text = page_text(client.get(LIST_URL, {"q": "mobile outreach"}))
    assert "Few resources match every word of “mobile outreach”; showing resources that match most of them too." in text


@postgresql_only
@pytest.mark.django_db
def test_the_page_says_when_it_shows_the_results_of_the_correction(client):
    ResourceFactory(title="Excited Delirium Syndrome")
    response = client.get(LIST_URL, {"q": "delirum"})
    text = page_text(response)
    assert "Nothing matches “delirum”; showing results for “delirium”." in text
    assert "Did you mean" not in text
    assert "1 resource matching “delirum”" in text


@pytest.mark.django_db
def test_did_you_mean_links_to_the_corrected_search_with_the_same_filters(client):
    report = ResourceKindFactory(slug="report", name="Report")
    ResourceFactory(title="Excited Delirium Syndrome", kind=report)
    ResourceFactory(title="Deaths in custody", kind=report)
    # "custody" matches: results by most words, and the misspelled word gets a correction.
    response = client.get(LIST_URL, {"q": "Delirum custody", "kind": "report", "page": "2"})
    content = response.content.decode()
    assert '<a class="usa-link" href="/resources/?q=Delirium+custody&amp;kind=report">Delirium custody</a>?' in content
    assert "Did you mean Delirium custody?" in page_text(response)


@pytest.mark.django_db
def test_did_you_mean_shows_in_the_empty_state_too_and_is_escaped(client):
    ResourceFactory(title="Excited Delirium Syndrome")
    response = client.get(LIST_URL, {"q": "delirum <b>", "year_min": "2100"})
    content = response.content.decode()
    assert "No resources found" in page_text(response)
    assert "Did you mean delirium &lt;b&gt;?" in page_text(response).replace("<b>", "&lt;b&gt;")
    assert 'href="/resources/?q=delirium+%3Cb%3E&amp;year_min=2100">delirium &lt;b&gt;</a>' in content
    assert "<b>" not in content.split('id="catalog-results"')[-1]


@pytest.mark.django_db
def test_a_search_found_by_every_word_has_no_notice(client):
    ResourceFactory(title="Excited Delirium Syndrome")
    ResourceFactory(title="Delirium in custody")
    ResourceFactory(title="Delirium explained")
    text = page_text(client.get(LIST_URL, {"q": "delirium"}))
    assert "Did you mean" not in text
    assert "every word" not in text
    assert "similar titles" not in text


@pytest.mark.django_db
def test_a_misspelled_search_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    make_catalog(30)
    # Search (synonyms, compile and count what was typed, the suggestion, compile and count the
    # correction: 6 at most), its planner setting (1), facets (3 at most), the page's pks, rows,
    # topics and practices (4).
    with django_assert_max_num_queries(14):
        response = client.get(LIST_URL, {"q": "crisiss"})
    assert "Nothing matches “crisiss”; showing results for “crisis”." in page_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"topic": "no-such-topic"},
        {"kind": ["report", "<script>"]},
        {"year_min": "abc", "year_max": "1e400"},
        {"year_min": "2020", "year_max": "2010"},
        {"in_force": "maybe", "sort": "sideways", "practice": "nope"},
        {"q": "x" * 500},
        {"q": "\x00 & | ! ( ) : * ' \""},
        {"q": "-"},
        {"q": "or"},
        {"q": "the"},  # Stop words alone: no words to match, titles spelled alike instead.
        {"q": 'crisis" NEAR(a b) title:* ^c AND NOT "" OR'},  # Full-text query syntax, searched as text.
        {"page": "1" * 50},
    ],
)
def test_invalid_parameters_never_cause_an_error(client, params):
    make_catalog(2)
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<body>")[-1].replace('<script src="', "")


@pytest.mark.django_db
def test_invalid_parameters_are_explained(client):
    make_catalog(1)
    response = client.get(LIST_URL, {"topic": "no-such-topic"})
    text = page_text(response)
    assert "Some of the filters in this address could not be used and were ignored" in text
    assert "no-such-topic is not one of the available choices" in text
    assert "2 resources" in text


@pytest.mark.django_db
def test_list_links_to_the_atom_feed_of_the_same_search(client):
    make_catalog(1)
    response = client.get(LIST_URL, {"topic": "training", "page": "1", "sort": "title"})
    content = response.content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Clearinghouse resources: Training" '
        'href="/resources/feed/?topic=training">'
    ) in content
    assert "Follow this search (Atom feed)" in page_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected_selected"),
    [
        # The default order is sent as "", so typing a search into the form gets best match, not newest.
        ({}, '<option value="" selected>Newest additions</option>'),
        ({"q": "crisis"}, '<option value="" selected>Best match</option>'),
        ({"q": "crisis", "sort": "title"}, '<option value="title" selected>Title, A to Z</option>'),
        ({"sort": "relevance"}, '<option value="" selected>Newest additions</option>'),
    ],
)
def test_the_sort_menu_shows_the_order_in_force(client, params, expected_selected):
    make_catalog(2)
    content = client.get(LIST_URL, params).content.decode()
    assert expected_selected in content
    assert ("Best match</option>" in content) == bool(params.get("q"))


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "crisis", "topic": "training", "kind": "report", "audience": "officers", "practice": "cit", "page": "2"},
    ],
)
def test_list_query_count_does_not_grow_with_the_catalog(client, django_assert_max_num_queries, size, params):
    make_catalog(size)
    # Search (synonyms, compile, count the matches of every word, whether most words match, a
    # suggestion: 5 at most), its planner setting (1), facets (on PostgreSQL the vocabularies and
    # one tally; 3 on SQLite; they also give the result count), the page's pks, rows, topics and
    # practices (4), validating the three chosen vocabularies (3).
    with django_assert_max_num_queries(16):
        response = client.get(LIST_URL, params)
    assert response.status_code == 200


# --- A resource ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_resource_page_shows_every_public_field(client):
    training = TopicFactory(slug="training", name="Training")
    officers = AudienceFactory(slug="officers", name="Officers")
    resource = ResourceFactory(
        title="Building Safer Communities",
        slug="building-safer-communities",
        summary="Recommendations from a national summit.",
        body="First paragraph with <em>markup</em>.\n\nSecond paragraph.",
        publisher="IACP",
        partners="Bureau of Justice Assistance\nSAMHSA",
        year_published=2010,
        topics=[training],
        audiences=[officers],
        practices=[Practice.PARTNERSHIP],
        file=SimpleUploadedFile("report.pdf", PDF_BYTES),
        external_url="https://example.org/bsc",
    )

    response = client.get(resource.get_absolute_url())

    assert response.status_code == 200
    assert h1_count(response) == 1
    content = response.content.decode()
    text = page_text(response)
    assert re.search(r"<h1[^>]*>Building Safer Communities</h1>", content)
    assert "Recommendations from a national summit." in text
    assert "<p>First paragraph with &lt;em&gt;markup&lt;/em&gt;.</p>" in content
    assert "<p>Second paragraph.</p>" in content
    assert "Publisher IACP" in text
    assert "Partners Bureau of Justice Assistance SAMHSA" in text
    assert "Year published 2010" in text
    assert 'href="/resources/?topic=training">Training</a>' in content
    assert 'href="/resources/?practice=partnership">Community mental health partnership</a>' in content
    assert 'href="/resources/?audience=officers">Officers</a>' in content
    assert f'href="{reverse("resources:download", kwargs={"slug": resource.slug})}"' in content
    assert f"Download (PDF, {len(PDF_BYTES)} bytes)" in text
    # The link goes through the click counter (usage app), which redirects to this stored address only.
    assert f'href="{reverse("resources:link", kwargs={"slug": resource.slug})}" rel="nofollow noopener"' in content
    assert (
        "IACP. (2010). Building Safer Communities. Retrieved from "
        "http://testserver/resources/building-safer-communities/"
    ) in text
    assert '<link rel="canonical" href="http://testserver/resources/building-safer-communities/">' in content
    assert '<meta property="og:title" content="Building Safer Communities">' in content
    assert '<meta property="og:description" content="Recommendations from a national summit.">' in content
    assert '<meta property="og:type" content="article">' in content
    assert '<meta property="og:url" content="http://testserver/resources/building-safer-communities/">' in content


@pytest.mark.django_db
def test_resolution_page_shows_its_adoption_and_whether_it_is_in_force(client):
    in_force = ResolutionFactory(
        title="Support for Crisis Lines",
        identifier="CPC.012.a24",
        year_adopted=2024,
        adopted_on=timezone.datetime(2024, 10, 21).date(),
        submitting_committee="Crime Prevention Committee",
        adopting_conference="131st Annual Conference, Boston",
    )
    expired = ResolutionFactory(title="Support for Mental Health Courts", year_adopted=2013)

    text = page_text(client.get(in_force.get_absolute_url()))
    assert "In force" in text
    assert "Identifier CPC.012.a24" in text
    assert "Year adopted 2024" in text
    assert "Adopted on October 21, 2024" in text
    assert "Submitted by Crime Prevention Committee" in text
    assert "Adopted at 131st Annual Conference, Boston" in text
    assert "Sunset date October 21, 2029 (in force)" in text

    text = page_text(client.get(expired.get_absolute_url()))
    assert "Expired" in text
    assert "This resolution is no longer in force" in text
    assert "Sunset date December 31, 2018 (expired)" in text


@pytest.mark.django_db
def test_superseded_and_superseding_resources_point_at_each_other(client):
    newer = ResourceFactory(title="Responding to Persons Experiencing a Mental Health Crisis")
    older = ResourceFactory(title="Responding to Persons Affected by Mental Illness", superseded_by=newer)

    older_page = client.get(older.get_absolute_url()).content.decode()
    assert (
        f'This resource has been superseded by <a class="usa-link" href="{newer.get_absolute_url()}">'
        "Responding to Persons Experiencing a Mental Health Crisis</a>."
    ) in older_page
    newer_page = client.get(newer.get_absolute_url()).content.decode()
    assert (
        f'This replaces <a class="usa-link" href="{older.get_absolute_url()}">'
        "Responding to Persons Affected by Mental Illness</a>."
    ) in newer_page


@pytest.mark.django_db
def test_an_unpublished_replacement_is_not_revealed_to_the_public(client):
    draft = ResourceFactory(title="Secret new policy", status=Resource.Status.DRAFT)
    older = ResourceFactory(title="Old policy", superseded_by=draft)
    assert "Secret new policy" not in client.get(older.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_list_marks_a_resource_superseded_only_when_its_replacement_is_public(client):
    published_replacement = ResourceFactory(title="Published new policy")
    draft_replacement = ResourceFactory(title="Draft new policy", status=Resource.Status.DRAFT)
    ResourceFactory(title="Replaced in public", superseded_by=published_replacement)
    ResourceFactory(title="Replaced by a draft", superseded_by=draft_replacement)

    page = client.get("/resources/").content.decode()
    # Each result up to the end of its kind-and-year list, where the "Superseded" mark goes.
    items = re.findall(r'<li class="usa-collection__item">.*?</li>\s*</ul>', page, re.S)
    superseded_items = [item for item in items if ">Superseded<" in item]

    assert len(superseded_items) == 1
    assert "Replaced in public" in superseded_items[0]


@pytest.mark.django_db
def test_the_caution_note_is_a_warning(client):
    resource = ResourceFactory(caution_note="The term “excited delirium” is now contested.")
    content = client.get(resource.get_absolute_url()).content.decode()
    assert "usa-alert--warning" in content
    assert "The term “excited delirium” is now contested." in content


@pytest.mark.django_db
@pytest.mark.parametrize("topic_count", [2, 6])
def test_related_resources_put_an_older_resource_sharing_more_before_newer_ones_sharing_less(client, topic_count):
    topics = [TopicFactory(slug=f"topic-{number}", name=f"Topic {number}") for number in range(topic_count)]
    resource = ResourceFactory(title="The resource", topics=topics)
    ResourceFactory(title="Older, shares two", topics=topics[:2])  # Created first: published earliest.
    for number in range(6):
        ResourceFactory(title=f"Newer, shares one {number}", topics=topics[:1])
    titles = [item.title for item in client.get(resource.get_absolute_url()).context["related_resources"]]
    assert titles == ["Older, shares two", "Newer, shares one 5", "Newer, shares one 4", "Newer, shares one 3"]


@pytest.mark.django_db
def test_related_resources_share_topics_most_shared_first(client):
    a, b, c = (TopicFactory(slug=slug, name=slug.title()) for slug in ("alpha", "beta", "gamma"))
    resource = ResourceFactory(title="The resource", topics=[a, b, c])
    ResourceFactory(title="Shares one", topics=[a])
    ResourceFactory(title="Shares three", topics=[a, b, c])
    ResourceFactory(title="Shares two", topics=[b, c])
    ResourceFactory(title="Shares none")
    ResourceFactory(title="Draft shares three", topics=[a, b, c], status=Resource.Status.DRAFT)
    for number in range(3):
        ResourceFactory(title=f"Also shares one {number}", topics=[c])

    related = client.get(resource.get_absolute_url()).context["related_resources"]

    titles = [item.title for item in related]
    assert titles[:3] == ["Shares three", "Shares two", titles[2]]
    assert len(titles) == 4
    assert "The resource" not in titles
    assert "Draft shares three" not in titles


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Resource.Status.DRAFT, Resource.Status.ARCHIVED])
def test_unpublished_resources_are_hidden_from_the_public(client, status):
    resource = ResourceFactory(status=status)
    assert client.get(resource.get_absolute_url()).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Resource.Status.DRAFT, Resource.Status.ARCHIVED])
def test_staff_preview_unpublished_resources(staff_client, status):
    resource = ResourceFactory(title="Work in progress", status=status)
    response = staff_client.get(resource.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: this resource is not published" in page_text(response)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_an_unknown_resource_is_not_found(client):
    assert client.get("/resources/no-such-resource/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_resource_page_query_count_does_not_grow(client, django_assert_max_num_queries, size):
    make_catalog(size)
    resource = Resource.objects.published().first()
    ResourceFactory(title="Replaced", superseded_by=resource)
    # Resource with kind and replacement, topics, audiences, practices, replaced resources, related
    # resources (on PostgreSQL, their candidates first: one more).
    with django_assert_max_num_queries(7):
        response = client.get(resource.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.django_db
def test_home_query_count_does_not_grow(client, django_assert_max_num_queries):
    make_catalog(30)
    Resource.objects.update(featured=True)
    # Featured and newest (each with topics and practices), topics, kinds, practices.
    with django_assert_max_num_queries(9):
        client.get("/")


# --- Download -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_download_streams_the_file_as_an_attachment(client):
    resource = ResourceFactory(slug="crisis-guide", file=SimpleUploadedFile("anything.pdf", PDF_BYTES))
    response = client.get(reverse("resources:download", kwargs={"slug": resource.slug}))
    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="crisis-guide.pdf"'
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_download_of_an_unpublished_resource_is_not_found_for_the_public(client):
    resource = ResourceFactory(status=Resource.Status.DRAFT, file=SimpleUploadedFile("guide.pdf", PDF_BYTES))
    assert client.get(reverse("resources:download", kwargs={"slug": resource.slug})).status_code == 404


@pytest.mark.django_db
def test_staff_may_download_an_unpublished_resource(staff_client):
    resource = ResourceFactory(status=Resource.Status.DRAFT, file=SimpleUploadedFile("guide.pdf", PDF_BYTES))
    response = staff_client.get(reverse("resources:download", kwargs={"slug": resource.slug}))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_download_without_a_file_or_with_the_file_gone_is_not_found(client):
    no_file = ResourceFactory()
    assert client.get(reverse("resources:download", kwargs={"slug": no_file.slug})).status_code == 404
    gone = ResourceFactory(file=SimpleUploadedFile("guide.pdf", PDF_BYTES))
    gone.file.storage.delete(gone.file.name)
    assert client.get(reverse("resources:download", kwargs={"slug": gone.slug})).status_code == 404


# --- Sitemap ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sitemap_lists_published_resources_only(client):
    published = ResourceFactory(title="Listed")
    draft = ResourceFactory(title="Not listed", status=Resource.Status.DRAFT)
    content = client.get("/sitemap-resources.xml").content.decode()
    assert f"http://testserver{published.get_absolute_url()}" in content
    assert draft.get_absolute_url() not in content
    assert "<loc>http://testserver/resources/</loc>" in client.get("/sitemap-pages.xml").content.decode()


@pytest.mark.django_db
def test_a_misspelled_search_that_matches_nothing_shows_the_results_of_its_correction(client):
    ResourceFactory(title="Model policy on crisis response", summary="For patrol.")
    ResourceFactory(title="Officer wellness", summary="Peer support.")
    response = client.get(LIST_URL, {"q": "polcy"})
    content = response.content.decode()
    assert [resource.title for resource in response.context["resources"]] == ["Model policy on crisis response"]
    assert "Nothing matches “polcy”; showing results for “policy”." in content
    assert "Did you mean" not in content
    assert response.context["search_query"] == "polcy"  # The search box keeps what was typed.


# Committed data, as in production: within a transaction that changed the catalog nothing is cached.
@pytest.mark.django_db(transaction=True)
def test_paging_through_a_search_reuses_its_ranking_and_facet_counts(client):
    for number in range(45):
        ResourceFactory(title=f"Crisis lines {number}")
    with CaptureQueriesContext(connection) as first_page:
        first = client.get(LIST_URL, {"q": "crisis", "page": "1"})
    with CaptureQueriesContext(connection) as third_page:
        third = client.get(LIST_URL, {"q": "crisis", "page": "3"})
    ranked = [
        query["sql"]
        for query in third_page.captured_queries
        if "ORDER BY" in query["sql"] and "LIMIT 500" in query["sql"]
    ]
    assert ranked == []  # Found once, for the first page: the third reads it from the cache.
    assert len(third_page.captured_queries) < len(first_page.captured_queries)
    shown = [r.title for r in first.context["resources"]] + [r.title for r in third.context["resources"]]
    assert len(set(shown)) == len(shown) == 25
    assert third.context["paginator"].count == 45
