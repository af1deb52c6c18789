"""Catalog curation in the admin: the resource form and actions, vocabulary protection, the Curators role."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.core import checks
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clearinghouse.admin import ClearinghouseModelAdmin
from clearinghouse.one_mind import Practice
from resources.admin import ResourceAdmin
from resources.models import Resource, ResourceKind, ResourcePractice, Topic
from resources.roles import CURATORS_GROUP
from tests.resources.factories import (
    AudienceFactory,
    ResolutionFactory,
    ResourceFactory,
    ResourceKindFactory,
    TopicFactory,
    ensure_curators_group,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:resources_resource_changelist")
ADD = reverse("admin:resources_resource_add")


def change_url(resource):
    return reverse("admin:resources_resource_change", args=[resource.pk])


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def report_kind():
    return ResourceKindFactory(slug="report", name="Report", plural_name="Reports")


@pytest.fixture
def resolution_kind():
    return ResourceKindFactory(slug="resolution", name="Resolution", plural_name="Resolutions")


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user(
        "curator", "curator@example.org", "a long test password", is_staff=True
    )
    user.groups.add(ensure_curators_group())
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


def resource_form_data(kind, **overrides):
    data = {
        "title": "Co-responder programme guide",
        "slug": "co-responder-programme-guide",
        "summary": "How to pair officers with clinicians.",
        "body": "",
        "caution_note": "",
        "kind": kind.pk,
        "topics": [],
        "audiences": [],
        "practices": [],
        "external_url": "https://example.org/guide",
        "year_adopted": "",
        "adopted_on": "",
        "identifier": "",
        "submitting_committee": "",
        "adopting_conference": "",
        "sunset_date": "",
        "publisher": "Example Publisher",
        "partners": "",
        "year_published": "2024",
        "status": "draft",
        "superseded_by": "",
        "_save": "Save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- The changelist --------------------------------------------------------------


def test_the_changelist_lists_resources_with_their_kind_year_and_status(admin_client):
    ResourceFactory(title="Building Safer Communities", year_published=2010, featured=True)
    ResolutionFactory(title="Support for Mental Health Courts", year_adopted=2013, status=Resource.Status.DRAFT)

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    page = text_of(response)
    assert "Building Safer Communities" in page
    assert "Support for Mental Health Courts" in page
    assert "Searches titles, addresses (slugs), summaries, publishers and resolution identifiers." in page
    rows = {row[0]: row for row in response.context["cl"].result_list.values_list("title", "status")}
    assert rows["Support for Mental Health Courts"][1] == "draft"


# Session, user, the rows, their count, and one query each for the kind, topic,
# audience and year filters' choices.
QUERIES_FOR_CHANGELIST = 8


def test_the_changelist_issues_the_same_number_of_queries_for_5_or_40_resources(
    admin_client, django_assert_num_queries
):
    topics = [TopicFactory(slug=f"topic-{n}", name=f"Topic {n}") for n in range(3)]
    for _ in range(5):
        ResourceFactory(topics=topics, practices=["policy"])
    admin_client.get(CHANGELIST)  # warm caches (content types, session)

    with django_assert_num_queries(QUERIES_FOR_CHANGELIST):
        admin_client.get(CHANGELIST)
    for _ in range(35):
        ResourceFactory(topics=topics, practices=["policy"])
    with django_assert_num_queries(QUERIES_FOR_CHANGELIST):
        response = admin_client.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == 40


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=courts", {"Support for Mental Health Courts"}),
        ("?status__exact=draft", {"Draft guide"}),
        ("?featured__exact=1", {"Building Safer Communities"}),
        ("?practice=cit", {"Building Safer Communities"}),
        ("?year=2013", {"Support for Mental Health Courts"}),
        ("?year=2010", {"Building Safer Communities"}),
    ],
)
def test_the_changelist_filters(admin_client, query, expected):
    ResourceFactory(title="Building Safer Communities", year_published=2010, featured=True, practices=["cit"])
    ResolutionFactory(title="Support for Mental Health Courts", year_adopted=2013, year_published=2010)
    ResourceFactory(title="Draft guide", status=Resource.Status.DRAFT, year_published=2020)

    response = admin_client.get(CHANGELIST + query)

    assert {resource.title for resource in response.context["cl"].result_list} == expected


def test_the_changelist_filters_by_kind(admin_client, resolution_kind):
    ResourceFactory(title="Building Safer Communities")
    ResolutionFactory(title="Support for Mental Health Courts", kind=resolution_kind)

    response = admin_client.get(CHANGELIST + f"?kind__id__exact={resolution_kind.pk}")

    assert [resource.title for resource in response.context["cl"].result_list] == ["Support for Mental Health Courts"]


def test_the_year_column_sorts_resolutions_by_adoption_year(admin_client):
    ResourceFactory(title="Report 2010", year_published=2010)
    ResolutionFactory(title="Resolution 2013", year_adopted=2013)
    ResourceFactory(title="Report 2020", year_published=2020)
    year_column = ResourceAdmin.list_display.index("year") + 1  # column 0 is the action checkbox

    response = admin_client.get(CHANGELIST + f"?o={year_column}")

    assert [resource.title for resource in response.context["cl"].result_list] == [
        "Report 2010",
        "Resolution 2013",
        "Report 2020",
    ]


def test_a_nonsense_filter_value_does_not_break_the_changelist(admin_client):
    ResourceFactory(year_published=2010)

    response = admin_client.get(CHANGELIST + "?year=soon")

    assert response.status_code == 302
    assert "e=1" in response["Location"]


# --- Actions -----------------------------------------------------------------------


def run_action(client, action, resources):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [resource.pk for resource in resources]}, follow=True
    )


def test_the_publish_action_publishes_and_says_how_many_changed(admin_client):
    drafts = [ResourceFactory(status=Resource.Status.DRAFT) for _ in range(2)]
    already = ResourceFactory(status=Resource.Status.PUBLISHED)

    response = run_action(admin_client, "publish", [*drafts, already])

    assert messages_of(response) == ["2 resources published. 1 resource already published."]
    for resource in drafts:
        resource.refresh_from_db()
        assert resource.status == Resource.Status.PUBLISHED
        assert resource.published_at is not None


def test_the_archive_action_archives(admin_client):
    resource = ResourceFactory()

    response = run_action(admin_client, "archive", [resource])

    assert messages_of(response) == ["1 resource archived."]
    resource.refresh_from_db()
    assert resource.status == Resource.Status.ARCHIVED


def test_the_feature_and_unfeature_actions(admin_client):
    resource = ResourceFactory(featured=False)

    assert messages_of(run_action(admin_client, "feature", [resource])) == ["1 resource featured."]
    resource.refresh_from_db()
    assert resource.featured is True
    assert messages_of(run_action(admin_client, "unfeature", [resource])) == ["1 resource no longer featured."]
    resource.refresh_from_db()
    assert resource.featured is False


def test_an_invalid_resource_is_not_published_and_the_admin_says_why(admin_client):
    broken = ResourceFactory(status=Resource.Status.DRAFT)
    Resource.objects.filter(pk=broken.pk).update(external_url="")  # e.g. an old row from before the rule

    response = run_action(admin_client, "publish", [broken])

    assert messages_of(response) == [
        "0 resources published.",
        f"“{broken}” was not published: Give an uploaded file or an external URL (or both).",
    ]
    broken.refresh_from_db()
    assert broken.status == Resource.Status.DRAFT


def test_actions_are_recorded_in_each_resources_history(admin_client):
    resource = ResourceFactory(status=Resource.Status.DRAFT)

    run_action(admin_client, "publish", [resource])
    run_action(admin_client, "feature", [resource])
    history = admin_client.get(reverse("admin:resources_resource_history", args=[resource.pk]))

    entries = LogEntry.objects.filter(object_id=str(resource.pk), action_flag=CHANGE).order_by("action_time")
    assert [entry.get_change_message() for entry in entries] == ["Published.", "Featured."]
    assert {entry.user.username for entry in entries} == {"admin"}
    assert "Published." in text_of(history)
    assert "Featured." in text_of(history)


# --- The add and change forms -------------------------------------------------------


def test_the_add_form_shows_its_sections_and_the_practice_checkboxes(admin_client):
    response = admin_client.get(ADD)

    page = text_of(response)
    for heading in ("Description", "Classification", "File or link", "Resolution details", "Publication"):
        assert f">{heading}</h2>" in page
    for practice in Practice:
        assert f'value="{practice.value}"' in page
    assert 'type="checkbox" name="practices"' in page


def test_adding_a_resource_saves_its_practices_and_topics(admin_client, report_kind):
    policy = TopicFactory(slug="policy", name="Policy")
    leadership = AudienceFactory(slug="leadership", name="Leadership")

    response = admin_client.post(
        ADD,
        resource_form_data(report_kind, topics=[policy.pk], audiences=[leadership.pk], practices=["policy", "cit"]),
    )

    assert response.status_code == 302
    resource = Resource.objects.get(slug="co-responder-programme-guide")
    assert set(resource.practices) == {Practice.POLICY, Practice.CIT}
    assert list(resource.topics.all()) == [policy]
    assert list(resource.audiences.all()) == [leadership]
    assert resource.status == Resource.Status.DRAFT


def test_changing_the_practices_replaces_the_tags(admin_client, report_kind):
    resource = ResourceFactory(kind=report_kind, practices=["policy", "cit"])

    response = admin_client.post(
        change_url(resource),
        resource_form_data(
            report_kind, title=resource.title, slug=resource.slug, status="published", practices=["mhfa", "cit"]
        ),
    )

    assert response.status_code == 302
    assert set(ResourcePractice.objects.filter(resource=resource).values_list("practice", flat=True)) == {"mhfa", "cit"}
    entry = LogEntry.objects.get(object_id=str(resource.pk), action_flag=CHANGE)
    assert "One Mind practices" in entry.get_change_message()


def test_the_change_form_shows_the_current_practices_checked(admin_client):
    resource = ResourceFactory(practices=["mhfa"])

    page = text_of(admin_client.get(change_url(resource)))

    assert re.search(r'<input type="checkbox" name="practices" value="mhfa"[^>]*checked', page)
    assert not re.search(r'<input type="checkbox" name="practices" value="cit"[^>]*checked', page)


def test_publishing_from_the_change_form_sets_the_publication_time(admin_client, report_kind):
    resource = ResourceFactory(kind=report_kind, status=Resource.Status.DRAFT)

    admin_client.post(change_url(resource), resource_form_data(report_kind, slug=resource.slug, status="published"))

    resource.refresh_from_db()
    assert resource.status == Resource.Status.PUBLISHED
    assert resource.published_at is not None
    assert resource.title == "Co-responder programme guide"


def form_errors(response):
    return response.context["adminform"].form.errors


def test_a_resource_without_file_or_link_is_refused_with_field_errors_and_keeps_what_was_typed(
    admin_client, report_kind
):
    response = admin_client.post(ADD, resource_form_data(report_kind, external_url=""))

    assert response.status_code == 200
    assert form_errors(response)["file"] == ["Give an uploaded file or an external URL (or both)."]
    assert form_errors(response)["external_url"] == ["Give an uploaded file or an external URL (or both)."]
    page = text_of(response)
    assert 'class="errorlist' in page
    assert 'value="Co-responder programme guide"' in page
    assert not Resource.objects.exists()


def test_a_resolution_without_its_year_is_refused(admin_client, resolution_kind):
    response = admin_client.post(ADD, resource_form_data(resolution_kind, year_published=""))

    assert form_errors(response)["year_adopted"] == ["A resolution needs the year it was adopted."]
    assert "A resolution needs the year it was adopted." in text_of(response)


def test_a_badly_formed_identifier_is_refused(admin_client, resolution_kind):
    response = admin_client.post(ADD, resource_form_data(resolution_kind, year_adopted="2014", identifier="NDD-28"))

    assert form_errors(response)["identifier"] == [
        "Use the IACP format: committee, number, letter and two-digit year, e.g. NDD.028.a07."
    ]


def test_an_executable_disguised_as_a_pdf_is_refused(admin_client, report_kind):
    data = resource_form_data(report_kind, external_url="")
    data["file"] = SimpleUploadedFile("policy.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf")

    response = admin_client.post(ADD, data)

    assert "does not match its .pdf name" in form_errors(response)["file"][0]
    assert not Resource.objects.exists()


def test_a_real_pdf_upload_is_accepted(admin_client, report_kind):
    data = resource_form_data(report_kind, external_url="")
    data["file"] = SimpleUploadedFile("policy.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")

    response = admin_client.post(ADD, data)

    assert response.status_code == 302
    assert Resource.objects.get().file_size == len(b"%PDF-1.4\n%%EOF\n")


def test_a_resource_whose_stored_file_is_gone_can_still_be_edited(admin_client, report_kind):
    """The stored file was checked on arrival; an edit must not depend on reading it again."""
    resource = ResourceFactory(kind=report_kind, external_url="", status=Resource.Status.DRAFT)
    resource.file.save("policy.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    resource.file.storage.delete(resource.file.name)

    response = admin_client.post(
        change_url(resource), resource_form_data(report_kind, slug=resource.slug, external_url="", title="Renamed")
    )

    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Renamed"
    assert resource.file_size == len(b"%PDF-1.4\n%%EOF\n")


def test_a_resource_cannot_supersede_itself_in_the_form(admin_client, report_kind):
    resource = ResourceFactory(kind=report_kind)

    response = admin_client.post(
        change_url(resource), resource_form_data(report_kind, slug=resource.slug, superseded_by=resource.pk)
    )

    assert form_errors(response)["superseded_by"] == ["A resource cannot supersede itself."]


def test_the_change_page_links_to_the_public_page_and_the_history(admin_client):
    resource = ResourceFactory()

    page = text_of(admin_client.get(change_url(resource)))

    assert "View on site" in page
    assert reverse("admin:resources_resource_history", args=[resource.pk]) in page


def test_resolution_details_are_folded_away_except_for_resolutions(admin_client):
    report_page = text_of(admin_client.get(change_url(ResourceFactory())))
    resolution_page = text_of(admin_client.get(change_url(ResolutionFactory())))

    def resolution_fieldset_is_folded(page):
        return bool(re.search(r"<details><summary>\s*<h2[^>]*>Resolution details</h2>", page))

    assert resolution_fieldset_is_folded(report_page)
    assert not resolution_fieldset_is_folded(resolution_page)


def test_the_topic_autocomplete_answers(admin_client):
    TopicFactory(slug="policy", name="Policy")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "resources", "model_name": "resource", "field_name": "topics", "term": "pol"},
    )

    assert [result["text"] for result in response.json()["results"]] == ["Policy"]


# --- Vocabularies ---------------------------------------------------------------------


def test_the_topic_changelist_counts_resources_and_sorts_by_the_count(admin_client):
    busy = TopicFactory(slug="busy", name="Busy topic")
    quiet = TopicFactory(slug="quiet", name="Quiet topic")
    ResourceFactory(topics=[busy])
    ResourceFactory(topics=[busy])

    response = admin_client.get(reverse("admin:resources_topic_changelist") + "?o=-3&q=topic")

    counts = [(topic.name, topic.resource_count) for topic in response.context["cl"].result_list]
    assert counts == [("Busy topic", 2), ("Quiet topic", 0)]
    assert f"?topics__id__exact={busy.pk}" in response.content.decode()
    assert f"?topics__id__exact={quiet.pk}" not in response.content.decode()


@pytest.mark.parametrize("model_name", ["resourcekind", "topic", "audience"])
def test_a_vocabulary_changelist_counts_usage_in_a_fixed_number_of_queries(
    admin_client, model_name, django_assert_max_num_queries
):
    topics = [TopicFactory(slug=f"topic-{n}", name=f"Topic {n}") for n in range(20)]
    audiences = [AudienceFactory(slug=f"audience-{n}", name=f"Audience {n}") for n in range(20)]
    for n in range(20):
        ResourceFactory(
            kind=ResourceKindFactory(slug=f"kind-{n}", name=f"Kind {n}"), topics=topics, audiences=audiences
        )

    # Session, user, the rows with their counts, and the count of rows.
    with django_assert_max_num_queries(5):
        response = admin_client.get(reverse(f"admin:resources_{model_name}_changelist"))

    assert response.status_code == 200


def test_a_kind_in_use_cannot_be_deleted_from_its_page(admin_client, report_kind):
    ResourceFactory(kind=report_kind)

    response = admin_client.post(
        reverse("admin:resources_resourcekind_delete", args=[report_kind.pk]), {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    assert messages_of(response) == [
        "“Report” is used by 1 resource, so it cannot be deleted. Give those resources another kind first."
    ]
    assert ResourceKind.objects.filter(pk=report_kind.pk).exists()


def test_a_kind_in_use_cannot_be_deleted_in_bulk(admin_client, report_kind):
    unused = ResourceKindFactory(slug="podcast", name="Podcast")
    ResourceFactory(kind=report_kind)
    ResourceFactory(kind=report_kind)

    response = admin_client.post(
        reverse("admin:resources_resourcekind_changelist"),
        {"action": "delete_selected", "_selected_action": [report_kind.pk, unused.pk], "post": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    assert messages_of(response) == [
        "“Report” is used by 2 resources, so it cannot be deleted. Give those resources another kind first.",
        "Nothing was deleted.",
    ]
    assert ResourceKind.objects.filter(pk__in=[report_kind.pk, unused.pk]).count() == 2


def test_a_topic_in_use_cannot_be_deleted_either_way(admin_client):
    topic = TopicFactory(slug="policy", name="Policy")
    resource = ResourceFactory(topics=[topic])

    single = admin_client.post(reverse("admin:resources_topic_delete", args=[topic.pk]), {"post": "yes"}, follow=True)
    bulk = admin_client.post(
        reverse("admin:resources_topic_changelist"),
        {"action": "delete_selected", "_selected_action": [topic.pk], "post": "yes"},
        follow=True,
    )

    expected = "“Policy” is used by 1 resource, so it cannot be deleted. Remove the topic from those resources first."
    assert messages_of(single) == [expected]
    assert messages_of(bulk) == [expected, "Nothing was deleted."]
    assert list(resource.topics.all()) == [topic]


def test_an_unused_topic_can_be_deleted_after_confirmation(admin_client):
    topic = TopicFactory(slug="unused", name="Unused")
    url = reverse("admin:resources_topic_delete", args=[topic.pk])

    confirmation = admin_client.get(url)
    admin_client.post(url, {"post": "yes"})

    assert "Are you sure" in confirmation.content.decode()
    assert not Topic.objects.filter(pk=topic.pk).exists()


def test_unused_topics_can_be_deleted_in_bulk(admin_client):
    topics = [TopicFactory(slug=f"unused-{n}", name=f"Unused {n}") for n in range(2)]

    response = admin_client.post(
        reverse("admin:resources_topic_changelist"),
        {"action": "delete_selected", "_selected_action": [topic.pk for topic in topics], "post": "yes"},
        follow=True,
    )

    assert messages_of(response) == ["Successfully deleted 2 topics."]
    assert not Topic.objects.filter(pk__in=[topic.pk for topic in topics]).exists()


def test_the_kind_form_prepopulates_the_slug_from_the_name(admin_client):
    page = admin_client.get(reverse("admin:resources_resourcekind_add")).content.decode()

    prepopulated = re.search(r'data-prepopulated-fields="([^"]*)"', page).group(1)
    assert "#id_slug" in prepopulated
    assert "#id_name" in prepopulated


# --- The Curators role ---------------------------------------------------------------


def test_the_curators_group_has_only_catalog_permissions():
    group = ensure_curators_group()

    codenames = {f"{permission.content_type.app_label}.{permission.codename}" for permission in group.permissions.all()}

    assert group.name == CURATORS_GROUP
    # The catalog, and what curating it takes: moderating suggestions and reading the usage statistics.
    assert {name.split(".")[0] for name in codenames} == {"resources", "suggestions", "usage", "alerts"}
    assert {name for name in codenames if not name.startswith("resources.")} == {
        "suggestions.view_suggestion",
        "suggestions.change_suggestion",
        "suggestions.view_suggester_contact",
        "usage.view_resourcedailyusage",
        "usage.view_searchdailycount",
        "alerts.view_searchalert",
    }
    for model in ("resource", "resourcekind", "topic", "audience", "resourcepractice"):
        for action in ("add", "change", "view"):
            assert f"resources.{action}_{model}" in codenames
    # Curators archive resources rather than delete them.
    assert "resources.delete_resource" not in codenames


def test_a_curator_has_no_pledge_permission(curator):
    permissions = curator.get_all_permissions()

    assert permissions
    assert not [name for name in permissions if name.startswith("pledges.")]
    assert all(name.split(".")[0] in {"resources", "suggestions", "usage", "alerts"} for name in permissions)
    pledge_permissions = Permission.objects.filter(content_type__app_label="pledges")
    for permission in pledge_permissions:
        assert not curator.has_perm(f"pledges.{permission.codename}")


def test_a_curator_can_add_and_change_resources_in_the_admin(curator_client, report_kind):
    assert curator_client.get(ADD).status_code == 200
    response = curator_client.post(ADD, resource_form_data(report_kind, practices=["policy"]))
    assert response.status_code == 302
    resource = Resource.objects.get()

    response = curator_client.post(
        change_url(resource), resource_form_data(report_kind, title="Renamed guide", slug=resource.slug)
    )

    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Renamed guide"


def test_a_curator_can_run_the_publish_action_but_not_delete_resources(curator_client):
    resource = ResourceFactory(status=Resource.Status.DRAFT)

    run_action(curator_client, "publish", [resource])
    delete_page = curator_client.get(reverse("admin:resources_resource_delete", args=[resource.pk]))

    resource.refresh_from_db()
    assert resource.status == Resource.Status.PUBLISHED
    assert delete_page.status_code == 403


def test_a_curator_cannot_change_the_address_of_a_published_resource(curator_client, report_kind):
    resource = ResourceFactory(kind=report_kind, slug="permanent-address")

    response = curator_client.post(change_url(resource), resource_form_data(report_kind, slug="new-address"))

    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.slug == "permanent-address"


def test_a_curator_sees_no_pledge_section_in_the_admin(curator_client):
    response = curator_client.get(reverse("admin:index"))

    app_labels = [app["app_label"] for app in response.context["app_list"]]
    # The catalog, its audit trail (of the catalog only), link health, suggestions, usage statistics and search alerts.
    assert sorted(app_labels) == ["alerts", "audit", "linkcheck", "resources", "suggestions", "usage"]


def test_a_curator_is_refused_every_pledge_admin_page(curator_client):
    # Vacuous until the pledges admin exists; from then on it guards the role.
    pledge_models = [model for model in admin.site._registry if model._meta.app_label == "pledges"]

    for model in pledge_models:
        url = reverse(f"admin:pledges_{model._meta.model_name}_changelist")
        assert curator_client.get(url).status_code == 403, url


def test_a_staff_member_outside_curators_cannot_open_the_resource_admin(client, django_user_model):
    staff = django_user_model.objects.create_user("staff", "staff@example.org", "a long test password", is_staff=True)
    client.force_login(staff)

    assert client.get(CHANGELIST).status_code == 403


# --- The base admin class ----------------------------------------------------------------


def test_every_registered_admin_passes_the_portal_checks():
    errors = [error for error in checks.run_checks() if error.id and error.id.startswith("clearinghouse.")]

    assert errors == []


def test_a_searchable_admin_without_search_help_text_fails_the_check():
    class CarelessAdmin(ClearinghouseModelAdmin):
        search_fields = ("title",)

    errors = CarelessAdmin(Resource, admin.site).check()

    assert [error.id for error in errors] == ["clearinghouse.E001"]


def test_the_base_admin_defaults():
    model_admin = admin.site._registry[Resource]

    assert isinstance(model_admin, ClearinghouseModelAdmin)
    assert model_admin.show_full_result_count is False
    assert model_admin.list_per_page == 50
