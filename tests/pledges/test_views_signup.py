"""Taking the pledge at /pledge/: the form, its errors, spam defenses, and "check your email"."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from pledges.models import Agency, Pledge, RateLimitHit
from pledges.ratelimit import PLEDGE_SUBMISSIONS
from tests.pledges.factories import pledge_in_status

pytestmark = pytest.mark.django_db

START_URL = reverse("pledges:start")


@pytest.fixture
def client(client, django_capture_on_commit_callbacks, deliver_mail):
    """The test client, running each POST's after-commit callbacks (the services' emails) as a commit would.

    Tests run inside a transaction that never commits; callbacks of work rolled back are dropped, as in production.
    """
    post = client.post

    def post_and_commit(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(*args, **kwargs)
        deliver_mail()  # the mail worker's next pass: what the POST queued reaches mail.outbox
        return response

    client.post = post_and_commit
    return client


def form_data(**overrides):
    """What a person fills in on the pledge form (a valid pledge unless overridden)."""
    data = {
        "name": "Springfield Police Department",
        "agency_type": "municipal_police",
        "city": "Springfield",
        "country": "US",
        "state": "IL",
        "province": "",
        "ori": "IL0840000",
        "sworn_officers": "100",
        "non_sworn_staff": "30",
        "website": "https://springfield.example.org/police",
        "chief_executive_name": "Jordan Rivera",
        "chief_executive_title": "Chief of Police",
        "attestation": "on",
        "contact_name": "Casey Morgan",
        "contact_title": "Crisis Intervention Coordinator",
        "contact_email": "casey.morgan@springfield.example.org",
        "contact_phone": "217-555-0100",
        "target_months": "24",
        "homepage": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def field_error(html, field):
    """The error message shown under a field (by its id_<field>_error element), or None."""
    match = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</span>', html, re.S)
    return " ".join(match.group(1).split()) if match else None


def submit(client, **overrides):
    return client.post(START_URL, form_data(**overrides))


# --- The page ------------------------------------------------------------------------------------


def test_the_page_explains_the_campaign_and_the_four_practices(client):
    html = client.get(START_URL).content.decode()

    assert re.search(r"<h1[^>]*>Take the One Mind pledge</h1>", html)
    for practice in ("Community mental health partnership", "Model policy", "Mental Health First Aid training"):
        assert practice in html
    assert "12 to 36 months" in html
    for legend in ("Your agency", "Chief executive", "Point of contact", "Time frame"):
        assert f'<legend class="usa-legend">{legend}</legend>' in html


def test_the_form_is_usable_without_javascript_for_us_and_other_countries(client):
    html = client.get(START_URL).content.decode()

    # Both the US state select and the free-text province are in the page; the country defaults to the US.
    assert '<select name="state"' in html
    assert 'name="province"' in html
    assert '<option value="US" selected>United States</option>' in html


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(client):
    html = client.get(START_URL).content.decode()

    honeypot = re.search(r'<div class="pledge-honeypot" aria-hidden="true">.*?</div>', html, re.S).group(0)
    assert 'tabindex="-1"' in honeypot
    assert 'autocomplete="off"' in honeypot


# --- Success --------------------------------------------------------------------------------------


def test_a_valid_pledge_is_saved_and_the_contact_is_asked_to_confirm(client):
    response = submit(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("pledges:submitted")
    pledge = Pledge.objects.get()
    assert pledge.status == Pledge.Status.SUBMITTED
    assert pledge.agency.name == "Springfield Police Department"
    assert pledge.agency.state == "IL"
    assert pledge.target_months == 24
    assert [message.to for message in mail.outbox] == [["casey.morgan@springfield.example.org"]]
    assert "/pledge/verify/" in mail.outbox[0].body


def test_check_your_email_names_the_agency_and_the_address(client):
    html = client.get(submit(client)["Location"]).content.decode()

    assert "Check your email" in html
    assert "Springfield Police Department" in html
    assert "casey.morgan@springfield.example.org" in html


def test_an_agency_outside_the_us_gives_a_free_text_province(client):
    submit(
        client,
        name="Toronto Police Service",
        country="CA",
        state="",
        province="Ontario",
        ori="",
        contact_phone="416-555-0100",
    )

    agency = Agency.objects.get()
    assert (agency.country, agency.state) == ("CA", "Ontario")


def test_a_us_state_sent_with_another_country_is_ignored(client):
    submit(client, name="Dublin Garda Station", country="IE", state="IL", province="", ori="")

    assert Agency.objects.get().state == ""


def test_an_ori_typed_in_lowercase_with_spaces_is_accepted(client):
    submit(client, ori=" il08 40000 ")

    assert Agency.objects.get().ori == "IL0840000"


# --- Bad input: a message on the field, nothing lost, never a 500 --------------------------------------

BAD_INPUTS = [
    pytest.param({"name": ""}, "name", "Enter the agency’s name.", id="missing-name"),
    pytest.param({"agency_type": ""}, "agency_type", "Choose the type of agency.", id="missing-type"),
    pytest.param({"agency_type": "navy"}, "agency_type", "Select a valid choice.", id="unknown-type"),
    pytest.param({"city": ""}, "city", "Enter the city or town.", id="missing-city"),
    pytest.param({"state": ""}, "state", "Choose the state.", id="us-without-state"),
    pytest.param({"state": "ZZ"}, "state", "Select a valid choice.", id="us-unknown-state"),
    pytest.param({"country": "XX"}, "country", "Select a valid choice.", id="unknown-country"),
    pytest.param({"ori": "12345"}, "ori", "An ORI is 9 characters", id="bad-ori"),
    pytest.param({"ori": "IL0840000" * 3}, "ori", "at most 20 characters", id="long-ori"),
    pytest.param({"sworn_officers": ""}, "sworn_officers", "Enter the number of sworn officers.", id="missing-sworn"),
    pytest.param({"sworn_officers": "0"}, "sworn_officers", "greater than or equal to 1", id="sworn-zero"),
    pytest.param({"sworn_officers": "-5"}, "sworn_officers", "greater than or equal to 1", id="sworn-negative"),
    pytest.param({"sworn_officers": "many"}, "sworn_officers", "Enter a whole number", id="sworn-not-a-number"),
    pytest.param({"sworn_officers": "12.5"}, "sworn_officers", "Enter a whole number", id="sworn-fraction"),
    pytest.param({"sworn_officers": "9" * 30}, "sworn_officers", "Check this number", id="sworn-huge"),
    pytest.param({"non_sworn_staff": "-1"}, "non_sworn_staff", "greater than or equal to 0", id="non-sworn-negative"),
    pytest.param({"website": "not a web address"}, "website", "Enter a valid URL.", id="bad-website"),
    pytest.param(
        {"chief_executive_name": ""}, "chief_executive_name", "Enter the chief executive’s name.", id="missing-chief"
    ),
    pytest.param(
        {"chief_executive_title": ""},
        "chief_executive_title",
        "Enter the chief executive’s title.",
        id="missing-chief-title",
    ),
    pytest.param({"attestation": None}, "attestation", "must agree to the pledge", id="no-attestation"),
    pytest.param({"contact_name": ""}, "contact_name", "Enter the contact’s name.", id="missing-contact"),
    pytest.param({"contact_email": ""}, "contact_email", "Enter the contact’s email address.", id="missing-email"),
    pytest.param({"contact_email": "casey@"}, "contact_email", "Enter an email address", id="bad-email"),
    pytest.param({"contact_phone": ""}, "contact_phone", "Enter the contact’s phone number.", id="missing-phone"),
    pytest.param({"contact_phone": "call me"}, "contact_phone", "Enter a phone number", id="bad-phone"),
    pytest.param({"contact_title": ""}, "contact_title", "Enter the contact’s title.", id="missing-contact-title"),
    pytest.param({"target_months": ""}, "target_months", "Enter the number of months", id="missing-months"),
    pytest.param({"target_months": "11"}, "target_months", "Choose between 12 and 36 months.", id="months-11"),
    pytest.param({"target_months": "37"}, "target_months", "Choose between 12 and 36 months.", id="months-37"),
    pytest.param({"target_months": "two years"}, "target_months", "Enter a whole number of months", id="months-text"),
    pytest.param({"name": "x" * 201}, "name", "at most 200 characters", id="name-too-long"),
    pytest.param({"name": "Police\x00Department"}, "name", "Null characters are not allowed.", id="null-character"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUTS)
def test_bad_input_is_shown_on_its_field_and_nothing_typed_is_lost(client, overrides, field, message):
    response = submit(client, **overrides)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in (field_error(html, field) or ""), f"no {message!r} under {field}"
    assert "Please correct the problems below" in html
    # Everything else typed is still there.
    for other_field, value in form_data().items():
        if other_field not in overrides and other_field not in ("attestation", "homepage", "province") and value:
            assert f'value="{value}"' in html or f'<option value="{value}" selected>' in html, other_field
    assert "checked" in re.search(r'<input type="checkbox" name="attestation"[^>]*>', html).group(0) or (
        "attestation" in overrides
    )
    assert not Pledge.objects.exists()
    assert not mail.outbox


def test_the_error_summary_links_each_error_to_its_field(client):
    html = submit(client, contact_email="casey@", target_months="40").content.decode()

    assert '<a class="usa-link" href="#id_contact_email">' in html
    assert '<a class="usa-link" href="#id_target_months">' in html
    assert "<title>Error: Take the One Mind pledge" in html


def test_an_invalid_field_is_marked_for_assistive_technology(client):
    html = submit(client, contact_email="casey@").content.decode()

    email_input = re.search(r'<input type="email" name="contact_email"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in email_input
    assert 'aria-describedby="id_contact_email_error' in email_input
    assert "usa-input--error" in email_input


def test_odd_and_non_ascii_text_is_kept_as_typed(client):
    submit(client, name="Police de Montréal 🚓 «Service» ‮", country="CA", state="", province="Québec", ori="")

    agency = Agency.objects.get()
    assert agency.name == "Police de Montréal 🚓 «Service» ‮"
    assert agency.state == "Québec"


def test_bytes_that_are_not_utf8_do_not_break_the_form(client):
    body = "&".join(f"{key}={value}" for key, value in form_data(name="").items()).encode() + b"&name=Caf%E9+Police"

    response = client.post(START_URL, body, content_type="application/x-www-form-urlencoded")

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert Agency.objects.get().name.startswith("Caf")


# --- Duplicates (reported by pledge_submit) ------------------------------------------------------------


def test_an_agency_with_the_same_ori_is_refused_on_the_ori_field(client):
    pledge_in_status(Pledge.Status.APPROVED, agency__name="Springfield PD", agency__ori="IL0840000")

    html = submit(client).content.decode()

    assert "has already taken the pledge" in field_error(html, "ori")
    assert 'value="Springfield Police Department"' in html
    assert Pledge.objects.count() == 1


def test_an_agency_with_the_same_name_in_the_same_state_is_refused_on_the_name_field(client):
    pledge_in_status(Pledge.Status.APPROVED, agency__name="springfield police department", agency__state="IL")

    html = submit(client, ori="").content.decode()

    assert "has already taken the pledge" in field_error(html, "name")
    assert Pledge.objects.count() == 1


def test_the_same_name_in_another_state_is_a_different_agency(client):
    pledge_in_status(Pledge.Status.APPROVED, agency__name="Springfield Police Department", agency__state="MO")

    assert submit(client, ori="").status_code == 302
    assert Pledge.objects.count() == 2


def test_a_completed_agency_cannot_pledge_again(client):
    pledge_in_status(Pledge.Status.COMPLETED, agency__name="Springfield Police Department", agency__state="IL")

    html = submit(client, ori="").content.decode()

    assert "has already taken and completed" in field_error(html, "name")


# --- Spam defenses ---------------------------------------------------------------------------------------


def test_a_filled_honeypot_looks_like_success_but_saves_and_sends_nothing(client):
    response = submit(client, homepage="http://spam.example.com")

    assert response.status_code == 302
    assert response["Location"] == reverse("pledges:submitted")
    assert not Agency.objects.exists()
    assert not Pledge.objects.exists()
    assert not mail.outbox


def agency_number(number):
    return {"name": f"Town {number} Police Department", "city": f"Town {number}", "ori": ""}


def test_the_sixth_pledge_from_one_address_in_an_hour_is_refused_politely(client):
    for number in range(PLEDGE_SUBMISSIONS.limit):
        assert submit_from(client, "203.0.113.7", number).status_code == 302

    response = client.post(START_URL, form_data(**agency_number(99)), REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    html = response.content.decode()
    assert "Please try again later" in html
    assert "Nothing you typed is lost" in html
    assert 'value="Town 99 Police Department"' in html
    assert Pledge.objects.count() == PLEDGE_SUBMISSIONS.limit
    # Another address is not affected.
    assert client.post(START_URL, form_data(**agency_number(100)), REMOTE_ADDR="198.51.100.2").status_code == 302


def submit_from(client, address, number, **extra):
    return client.post(START_URL, form_data(**agency_number(number)), REMOTE_ADDR=address, **extra)


def test_forms_with_errors_do_not_use_up_the_limit(client):
    for _attempt in range(PLEDGE_SUBMISSIONS.limit + 2):
        client.post(START_URL, form_data(contact_email="oops"), REMOTE_ADDR="203.0.113.7")

    assert submit_from(client, "203.0.113.7", 1).status_code == 302


def test_refused_duplicates_do_not_use_up_the_limit(client):
    pledge_in_status(Pledge.Status.APPROVED, agency__name="Springfield PD", agency__ori="IL0840000")
    for _attempt in range(PLEDGE_SUBMISSIONS.limit + 2):
        client.post(START_URL, form_data(), REMOTE_ADDR="203.0.113.7")

    assert submit_from(client, "203.0.113.7", 1).status_code == 302


def test_the_limit_forgets_submissions_older_than_an_hour(client):
    for number in range(PLEDGE_SUBMISSIONS.limit):
        submit_from(client, "203.0.113.7", number)
    RateLimitHit.objects.update(created_at=RateLimitHit.objects.first().created_at - PLEDGE_SUBMISSIONS.window)

    assert submit_from(client, "203.0.113.7", 50).status_code == 302
    # The expired rows were cleaned up.
    assert RateLimitHit.objects.count() == 1


def test_ip_addresses_are_not_stored(client):
    submit_from(client, "203.0.113.7", 1)

    hit = RateLimitHit.objects.get()
    assert "203.0.113.7" not in hit.client_key
    assert len(hit.client_key) == 64


def test_x_forwarded_for_is_ignored_unless_a_trusted_proxy_is_configured(client, settings):
    settings.USE_X_FORWARDED_FOR = False
    for number in range(PLEDGE_SUBMISSIONS.limit):
        submit_from(client, "10.0.0.1", number, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")

    # A client cannot escape the limit by inventing X-Forwarded-For headers.
    assert submit_from(client, "10.0.0.1", 99, HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_behind_a_trusted_proxy_the_rightmost_forwarded_address_is_the_client(client, settings):
    settings.USE_X_FORWARDED_FOR = True
    for number in range(PLEDGE_SUBMISSIONS.limit):
        submit_from(client, "10.0.0.1", number, HTTP_X_FORWARDED_FOR=f"1.2.3.{number}, 203.0.113.7")

    # Same client (rightmost entry), whatever it claims on the left: refused.
    assert submit_from(client, "10.0.0.1", 99, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7").status_code == 429
    # Another client behind the same load balancer: accepted.
    assert submit_from(client, "10.0.0.1", 100, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


# --- Asking for the email again ---------------------------------------------------------------------------


def test_the_resend_form_sends_a_new_link_to_a_pledge_awaiting_confirmation(client):
    pledge = pledge_in_status(Pledge.Status.SUBMITTED, contact_email="chief@town.example.org")

    response = client.post(reverse("pledges:resend"), {"email": "Chief@Town.example.org"}, follow=True)

    assert response.status_code == 200
    assert "we have sent a new confirmation link" in response.content.decode()
    assert [message.to for message in mail.outbox] == [[pledge.contact_email]]


def test_the_resend_form_answers_the_same_for_an_unknown_address(client):
    response = client.post(reverse("pledges:resend"), {"email": "nobody@example.org"}, follow=True)

    assert "we have sent a new confirmation link" in response.content.decode()
    assert not mail.outbox


def test_the_resend_form_with_a_bad_address_shows_the_error(client):
    response = client.post(reverse("pledges:resend"), {"email": "not-an-address"})

    assert response.status_code == 200
    assert "Enter an email address" in field_error(response.content.decode(), "email")


def test_the_resend_form_is_rate_limited(client):
    for _attempt in range(5):
        client.post(reverse("pledges:resend"), {"email": "nobody@example.org"}, REMOTE_ADDR="203.0.113.9")

    response = client.post(reverse("pledges:resend"), {"email": "nobody@example.org"}, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 429
    assert "please wait a while" in response.content.decode()


def test_check_your_email_works_without_a_session(client):
    response = client.get(reverse("pledges:submitted"))

    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
