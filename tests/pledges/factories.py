"""factory_boy factories for the pledge app, and form-shaped data for pledge_submit.

PledgeFactory builds a consistent pledge in any status (traits below) with its four
PracticeProgress rows. It writes rows directly, for speed: tests of the workflow
itself go through pledges.services.
"""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from clearinghouse.one_mind import Practice
from pledges.constants import ATTESTATION_TEXT, PLEDGE_REVIEWERS_GROUP
from pledges.models import Agency, Pledge, PledgeTransition, PracticeProgress, add_months, new_nonce
from pledges.services import refresh_roster_entry
from tests.migration_data import run_data_migration

Status = Pledge.Status


def agency_data(**overrides):
    """What the pledge form would pass as `agency_data` to pledge_submit."""
    data = {
        "name": "Springfield Police Department",
        "agency_type": Agency.AgencyType.MUNICIPAL_POLICE,
        "city": "Springfield",
        "country": "US",
        "state": "IL",
        "ori": "IL0840000",
        "sworn_officers": 100,
        "non_sworn_staff": 30,
        "website": "https://springfield.example.org/police",
    }
    data.update(overrides)
    return data


def pledge_data(**overrides):
    """What the pledge form would pass as `pledge_data` to pledge_submit."""
    data = {
        "chief_executive_name": "Jordan Rivera",
        "chief_executive_title": "Chief of Police",
        "attestation": True,
        "contact_name": "Casey Morgan",
        "contact_title": "Crisis Intervention Coordinator",
        "contact_email": "casey.morgan@springfield.example.org",
        "contact_phone": "217-555-0100",
        "target_months": 24,
    }
    data.update(overrides)
    return data


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@clearinghouse.example.org")
    is_staff = True
    password = factory.django.Password("a-long-test-password")


class ReviewerFactory(UserFactory):
    """A staff user in the "Pledge reviewers" group (get-or-created: transactional tests flush it)."""

    @factory.post_generation
    def reviewer_group(self, create, extracted, **kwargs):
        if create:
            group, _created = Group.objects.get_or_create(name=PLEDGE_REVIEWERS_GROUP)
            self.groups.add(group)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Town {n} Police Department")
    agency_type = Agency.AgencyType.MUNICIPAL_POLICE
    city = factory.Sequence(lambda n: f"Town {n}")
    country = "US"
    state = "IL"
    ori = ""
    sworn_officers = 100
    non_sworn_staff = 20


def _days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


class PledgeFactory(factory.django.DjangoModelFactory):
    """A pledge, "submitted" unless a trait says otherwise; approved-like statuses get a deadline.

    Traits: email_verified, approved, completed, lapsed, rejected, withdrawn. Pass
    `deadline=` to place the deadline; the approved-like traits default it to 200 days
    from today (lapsed: yesterday). `practices=False` skips the four progress rows.
    """

    class Meta:
        model = Pledge
        skip_postgeneration_save = True

    agency = factory.SubFactory(AgencyFactory)
    chief_executive_name = "Jordan Rivera"
    chief_executive_title = "Chief of Police"
    attestation = True
    attestation_text = ATTESTATION_TEXT
    contact_name = "Casey Morgan"
    contact_title = "Coordinator"
    contact_email = factory.Sequence(lambda n: f"contact{n}@agency.example.org")
    contact_phone = "217-555-0100"
    target_months = 24
    status = Status.SUBMITTED
    submitted_at = factory.LazyFunction(lambda: _days_ago(1))
    verification_sent_at = factory.LazyAttribute(lambda pledge: pledge.submitted_at)
    status_changed_at = factory.LazyAttribute(lambda pledge: pledge.submitted_at)

    class Params:
        email_verified = factory.Trait(
            status=Status.EMAIL_VERIFIED,
            email_verified_at=factory.LazyFunction(timezone.now),
        )
        approved = factory.Trait(
            status=Status.APPROVED,
            email_verified_at=factory.LazyFunction(lambda: _days_ago(400)),
            approved_at=factory.LazyFunction(lambda: _days_ago(400)),
            deadline=factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=200)),
            progress_link_nonce=factory.LazyFunction(new_nonce),
            progress_link_issued_at=factory.LazyFunction(lambda: _days_ago(400)),
        )
        completed = factory.Trait(
            approved=True,
            status=Status.COMPLETED,
            completed_at=factory.LazyFunction(lambda: _days_ago(10)),
        )
        lapsed = factory.Trait(
            approved=True,
            status=Status.LAPSED,
            deadline=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1)),
        )
        rejected = factory.Trait(status=Status.REJECTED, rejection_reason="Not a law enforcement agency.")
        withdrawn = factory.Trait(status=Status.WITHDRAWN)

    @factory.post_generation
    def practices(self, create, extracted, **kwargs):
        if create and extracted is not False:
            PracticeProgress.objects.bulk_create(
                [PracticeProgress(pledge=self, practice=practice) for practice in Practice.values]
            )

    @factory.post_generation
    def roster_entry(self, create, extracted, **kwargs):
        # The workflow keeps each agency's roster entry; a pledge written directly must refresh it too.
        if create:
            refresh_roster_entry(agency_id=self.agency_id)


def pledge_in_status(status, **kwargs):
    """A pledge in `status` whose fields are what the workflow would have left, with its first transition."""
    traits = {
        Status.SUBMITTED: {},
        Status.EMAIL_VERIFIED: {"email_verified": True},
        Status.APPROVED: {"approved": True},
        Status.COMPLETED: {"completed": True},
        Status.REJECTED: {"rejected": True},
        Status.WITHDRAWN: {"withdrawn": True},
        Status.LAPSED: {"lapsed": True},
    }[status]
    pledge = PledgeFactory(**traits, **kwargs)
    PledgeTransition.objects.create(pledge=pledge, from_status="", to_status=Status.SUBMITTED, actor_label="test")
    return pledge


def deadline_for(approved_on, months):
    return add_months(approved_on, months)


# --- Migration data, restored on demand (staff roles): see tests/migration_data.py --------


def ensure_pledge_reviewers_group():
    """The "Pledge reviewers" group with its permissions, as pledges migrations 0002 and 0008 create it."""
    run_data_migration("pledges.migrations.0002_pledge_reviewers_group", "create_reviewers_group")
    run_data_migration("pledges.migrations.0008_pledge_reviewers_see_the_outbox", "grant_outbox_permissions")
    return Group.objects.get(name=PLEDGE_REVIEWERS_GROUP)
