"""The Resource model's rules: what makes a resource valid, resolution dates, uploads checked by content."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from clearinghouse.one_mind import Practice
from resources.models import Resource
from tests.resources.factories import ResolutionFactory, ResourceFactory, ResourceKindFactory

pytestmark = pytest.mark.django_db

# The smallest PDF a reader accepts: header, one empty page, trailer.
SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
# What a Windows executable starts with (the "MZ" DOS header).
WINDOWS_EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def errors_of(resource):
    with pytest.raises(ValidationError) as caught:
        resource.full_clean()
    return caught.value.message_dict


def test_a_resource_needs_a_file_or_an_external_url():
    resource = ResourceFactory.build(kind=ResourceKindFactory(slug="report", name="Report"), external_url="")

    errors = errors_of(resource)

    assert errors["file"] == ["Give an uploaded file or an external URL (or both)."]
    assert errors["external_url"] == ["Give an uploaded file or an external URL (or both)."]


def test_a_resource_with_only_an_external_url_is_valid():
    ResourceFactory.build(kind=ResourceKindFactory(slug="report", name="Report")).full_clean()


def test_a_resource_with_only_a_pdf_file_is_valid():
    resource = ResourceFactory.build(
        kind=ResourceKindFactory(slug="report", name="Report"),
        external_url="",
        file=SimpleUploadedFile("policy.pdf", SMALL_PDF, content_type="application/pdf"),
    )

    resource.full_clean()
    resource.save()

    assert resource.file_size == len(SMALL_PDF)
    assert resource.file_type_label == "PDF"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        pytest.param("policy.pdf", WINDOWS_EXECUTABLE, "does not match its .pdf name", id="exe-renamed-pdf"),
        pytest.param("policy.pdf", b"Just some text pretending.\n", "does not match its .pdf name", id="text-as-pdf"),
        pytest.param("setup.exe", WINDOWS_EXECUTABLE, "not accepted", id="exe"),
    ],
)
def test_an_upload_is_checked_by_its_content_not_its_name(name, content, expected):
    resource = ResourceFactory.build(
        kind=ResourceKindFactory(slug="report", name="Report"), file=SimpleUploadedFile(name, content)
    )

    errors = errors_of(resource)

    assert expected in " ".join(errors["file"])


def test_an_upload_over_the_size_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 100
    resource = ResourceFactory.build(
        kind=ResourceKindFactory(slug="report", name="Report"), file=SimpleUploadedFile("policy.pdf", SMALL_PDF)
    )

    errors = errors_of(resource)

    (message,) = errors["file"]
    assert message.startswith(f"This file is {len(SMALL_PDF)}")
    assert message.endswith("the limit is 100\xa0bytes.")


def test_a_resolution_needs_the_year_it_was_adopted():
    resolution = ResolutionFactory.build(
        kind=ResourceKindFactory(slug="resolution", name="Resolution"), year_adopted=None
    )

    assert errors_of(resolution)["year_adopted"] == ["A resolution needs the year it was adopted."]


def test_the_adoption_date_must_fall_in_the_year_adopted():
    resolution = ResolutionFactory.build(
        kind=ResourceKindFactory(slug="resolution", name="Resolution"),
        year_adopted=2014,
        adopted_on=datetime.date(2013, 10, 23),
    )

    assert "adopted_on" in errors_of(resolution)


@pytest.mark.parametrize("identifier", ["NDD.028.a07", "PSLC.001.b13"])
def test_an_identifier_in_the_iacp_format_is_valid(identifier):
    ResolutionFactory.build(
        kind=ResourceKindFactory(slug="resolution", name="Resolution"), identifier=identifier
    ).full_clean()


@pytest.mark.parametrize("identifier", ["ndd.028.a07", "NDD-028-a07", "NDD.28.a07", "NDD.028.a2007"])
def test_an_identifier_in_another_format_is_refused(identifier):
    resolution = ResolutionFactory.build(
        kind=ResourceKindFactory(slug="resolution", name="Resolution"), identifier=identifier
    )

    assert errors_of(resolution)["identifier"] == [
        "Use the IACP format: committee, number, letter and two-digit year, e.g. NDD.028.a07."
    ]


def test_a_resource_cannot_supersede_itself():
    resource = ResourceFactory()
    resource.superseded_by = resource

    assert errors_of(resource)["superseded_by"] == ["A resource cannot supersede itself."]


def test_a_resolution_sunsets_five_years_after_its_adoption_date():
    resolution = ResolutionFactory(year_adopted=2013, adopted_on=datetime.date(2013, 10, 23))

    assert resolution.sunset_date == datetime.date(2018, 10, 23)


def test_a_resolution_adopted_on_29_february_sunsets_on_28_february():
    resolution = ResolutionFactory(year_adopted=2016, adopted_on=datetime.date(2016, 2, 29))

    assert resolution.sunset_date == datetime.date(2021, 2, 28)


def test_a_resolution_known_only_by_year_sunsets_at_the_end_of_the_fifth_year():
    resolution = ResolutionFactory(year_adopted=2014)

    assert resolution.sunset_date == datetime.date(2019, 12, 31)


def test_a_sunset_date_given_by_a_curator_is_kept():
    resolution = ResolutionFactory(year_adopted=2014, sunset_date=datetime.date(2024, 10, 1))

    assert resolution.sunset_date == datetime.date(2024, 10, 1)


def test_an_automatic_sunset_date_follows_a_corrected_adoption_date():
    ResolutionFactory(slug="aot", year_adopted=2014)
    resolution = Resource.objects.get(slug="aot")

    resolution.adopted_on = datetime.date(2014, 10, 21)
    resolution.save()

    assert Resource.objects.get(slug="aot").sunset_date == datetime.date(2019, 10, 21)


def test_a_sunset_date_set_by_a_curator_stays_when_the_adoption_date_changes():
    ResolutionFactory(slug="renewed", year_adopted=2014, sunset_date=datetime.date(2024, 10, 1))
    resolution = Resource.objects.get(slug="renewed")

    resolution.adopted_on = datetime.date(2014, 10, 21)
    resolution.save()

    assert Resource.objects.get(slug="renewed").sunset_date == datetime.date(2024, 10, 1)


def test_a_resolution_is_in_force_until_its_sunset_date():
    today = datetime.date.today()
    current = ResolutionFactory(year_adopted=today.year, sunset_date=today + datetime.timedelta(days=1))
    lapsed = ResolutionFactory(year_adopted=2004)
    not_a_resolution = ResourceFactory()

    assert current.in_force is True
    assert lapsed.in_force is False
    assert not_a_resolution.in_force is None


def test_publishing_records_the_first_publication_time_once():
    resource = ResourceFactory(status=Resource.Status.DRAFT)
    assert resource.published_at is None

    resource.status = Resource.Status.PUBLISHED
    resource.save()
    first_published_at = resource.published_at
    resource.status = Resource.Status.ARCHIVED
    resource.save()
    resource.status = Resource.Status.PUBLISHED
    resource.save()

    assert first_published_at is not None
    assert resource.published_at == first_published_at


def test_display_year_is_the_adoption_year_for_resolutions():
    assert ResolutionFactory(year_adopted=2013).display_year == 2013
    assert ResourceFactory(year_published=2010).display_year == 2010


def test_practices_and_partners_read_back_in_order():
    resource = ResourceFactory(practices=["policy", "cit"], partners="JEHT Foundation\n\n  SAMHSA  \n")

    assert resource.practices == [Practice.CIT, Practice.POLICY]
    assert resource.partner_list() == ["JEHT Foundation", "SAMHSA"]


def test_a_resource_cannot_take_the_address_of_the_feed():
    """/resources/feed/ is the Atom feed: a resource there could never be opened."""
    resource = ResourceFactory.build(title="Feed", slug="feed", kind=ResourceKindFactory(slug="report"))
    with pytest.raises(ValidationError) as caught:
        resource.full_clean()
    assert "slug" in caught.value.message_dict
