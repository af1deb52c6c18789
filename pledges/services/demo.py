"""Demonstration agencies and pledges for development and demos (no email is sent)."""

import datetime

from django.db import transaction
from django.utils import timezone

from clearinghouse import content_versions
from clearinghouse.one_mind import Practice
from pledges.constants import ACTOR_DEMO
from pledges.models import Agency, Pledge, PledgeTransition, PracticeProgress, ProgressReport, new_nonce
from pledges.services.workflow import refresh_roster_entry

_DEMO_PARTNERS = "Demo County Behavioral Health Services\nDemo Chapter, National Alliance on Mental Illness"
DEMO_AGENCIES = [
    # name, type, city, state, country, sworn, non-sworn, status, days since approval, target months,
    # reported practice values, verified practices
    {
        "name": "Demo: Springfield Police Department",
        "agency_type": Agency.AgencyType.MUNICIPAL_POLICE,
        "city": "Springfield",
        "state": "IL",
        "sworn_officers": 120,
        "non_sworn_staff": 45,
        "status": Pledge.Status.COMPLETED,
        "approved_days_ago": 900,
        "target_months": 36,
        "progress": {"partnership": True, "policy": True, "cit": 30, "mhfa": 90},
        "verified": Practice.values,
    },
    {
        "name": "Demo: Riverside County Sheriff’s Office",
        "agency_type": Agency.AgencyType.SHERIFF,
        "city": "Riverside",
        "state": "CA",
        "sworn_officers": 480,
        "non_sworn_staff": 210,
        "status": Pledge.Status.COMPLETED,
        "approved_days_ago": 700,
        "target_months": 24,
        "progress": {"partnership": True, "policy": True, "cit": 110, "mhfa": 370},
        "verified": Practice.values,
    },
    {
        "name": "Demo: Lakeview Police Department",
        "agency_type": Agency.AgencyType.MUNICIPAL_POLICE,
        "city": "Lakeview",
        "state": "MN",
        "sworn_officers": 64,
        "non_sworn_staff": 12,
        "status": Pledge.Status.APPROVED,
        "approved_days_ago": 200,
        "target_months": 24,
        "progress": {"partnership": True, "cit": 9},
        "verified": [Practice.PARTNERSHIP],
    },
    {
        "name": "Demo: Harbor City Port Police",
        "agency_type": Agency.AgencyType.PORT_AIRPORT,
        "city": "Harbor City",
        "state": "WA",
        "sworn_officers": 38,
        "non_sworn_staff": 6,
        "status": Pledge.Status.APPROVED,
        "approved_days_ago": 680,
        "target_months": 24,
        "progress": {"partnership": True, "policy": True, "cit": 8, "mhfa": 20},
        "verified": [Practice.PARTNERSHIP, Practice.POLICY, Practice.CIT],
    },
    {
        "name": "Demo: Northshore Regional Police Service",
        "agency_type": Agency.AgencyType.MUNICIPAL_POLICE,
        "city": "Northshore",
        "state": "Ontario",
        "country": "CA",
        "sworn_officers": 310,
        "non_sworn_staff": 95,
        "status": Pledge.Status.APPROVED,
        "approved_days_ago": 90,
        "target_months": 36,
        "progress": {"policy": True},
        "verified": [],
    },
    {
        "name": "Demo: Granite County Police Department",
        "agency_type": Agency.AgencyType.COUNTY_POLICE,
        "city": "Granite Falls",
        "state": "NH",
        "sworn_officers": 85,
        "non_sworn_staff": 20,
        "status": Pledge.Status.LAPSED,
        "approved_days_ago": 800,
        "target_months": 12,
        "progress": {"partnership": True, "cit": 10},
        "verified": [Practice.PARTNERSHIP],
    },
    {
        "name": "Demo: Cedar Valley State University Police",
        "agency_type": Agency.AgencyType.CAMPUS,
        "city": "Cedar Valley",
        "state": "IA",
        "sworn_officers": 22,
        "non_sworn_staff": 8,
        "status": Pledge.Status.EMAIL_VERIFIED,
        "target_months": 18,
    },
    {
        "name": "Demo: Mesa Tribal Police Department",
        "agency_type": Agency.AgencyType.TRIBAL,
        "city": "Mesa",
        "state": "AZ",
        "sworn_officers": 30,
        "non_sworn_staff": None,
        "status": Pledge.Status.SUBMITTED,
        "target_months": 24,
    },
]


def _demo_progress_values(spec, approved_on):
    reported = spec.get("progress", {})
    values = {}
    if reported.get("partnership"):
        values[Practice.PARTNERSHIP] = {
            "partner_organizations": _DEMO_PARTNERS,
            "agreement_date": approved_on + datetime.timedelta(days=60),
        }
    if reported.get("policy"):
        values[Practice.POLICY] = {"policy_adopted_on": approved_on + datetime.timedelta(days=45)}
    for practice in (Practice.CIT, Practice.MHFA):
        if practice.value in reported:
            values[practice] = {"sworn_trained": reported[practice.value], "non_sworn_trained": 2}
    return values


def _create_demo_pledge(spec, now):
    """One demo agency and pledge, its history, reports and verifications as the workflow would leave them."""
    agency = Agency(
        name=spec["name"],
        agency_type=spec["agency_type"],
        city=spec["city"],
        state=spec["state"],
        country=spec.get("country", "US"),
        sworn_officers=spec["sworn_officers"],
        non_sworn_staff=spec["non_sworn_staff"],
        website="https://example.org/",
        is_demo=True,
    )
    agency.full_clean()
    agency.save()
    status = spec["status"]
    approved_days_ago = spec.get("approved_days_ago")
    approved_at = now - datetime.timedelta(days=approved_days_ago) if approved_days_ago is not None else None
    submitted_at = (approved_at or now - datetime.timedelta(days=3)) - datetime.timedelta(days=10)
    verified_at = submitted_at + datetime.timedelta(hours=2) if status != Pledge.Status.SUBMITTED else None
    pledge = Pledge(
        agency=agency,
        chief_executive_name="Pat Example",
        chief_executive_title="Chief of Police",
        attestation=True,
        contact_name="Sam Example",
        contact_title="Crisis Response Coordinator",
        contact_email=f"pledge-contact+{agency.slug}@example.org",
        contact_phone="555-0100",
        target_months=spec["target_months"],
        submitted_at=submitted_at,
        email_verified_at=verified_at,
        verification_sent_at=submitted_at,
        is_demo=True,
    )
    history = [("", Pledge.Status.SUBMITTED, submitted_at, "")]
    if verified_at:
        history.append((Pledge.Status.SUBMITTED, Pledge.Status.EMAIL_VERIFIED, verified_at, ""))
    if approved_at:
        pledge.approved_at = approved_at
        pledge.deadline = pledge.deadline_from(timezone.localdate(approved_at))
        pledge.progress_link_nonce = new_nonce()
        pledge.progress_link_issued_at = approved_at
        history.append((Pledge.Status.EMAIL_VERIFIED, Pledge.Status.APPROVED, approved_at, "Demo approval."))
    if status == Pledge.Status.COMPLETED:
        pledge.completed_at = approved_at + datetime.timedelta(days=approved_days_ago - 30)
        history.append((Pledge.Status.APPROVED, status, pledge.completed_at, "All four practices verified."))
    if status == Pledge.Status.LAPSED:
        lapsed_at = timezone.make_aware(datetime.datetime.combine(pledge.deadline, datetime.time(6)))
        history.append((Pledge.Status.APPROVED, status, lapsed_at, "The deadline passed."))
    pledge.status = status
    pledge.status_changed_at = history[-1][2]
    pledge.full_clean()
    pledge.save()
    refresh_roster_entry(agency_id=agency.pk)
    PledgeTransition.objects.bulk_create(
        [
            PledgeTransition(
                pledge=pledge, from_status=from_status, to_status=to_status, actor_label=ACTOR_DEMO, reason=reason
            )
            for from_status, to_status, _at, reason in history
        ]
    )
    for transition, (_from, _to, at, _reason) in zip(pledge.transitions.order_by("pk"), history, strict=True):
        PledgeTransition.objects.filter(pk=transition.pk).update(created_at=at, updated_at=at)

    values = _demo_progress_values(spec, timezone.localdate(approved_at)) if approved_at else {}
    verified = set(spec.get("verified", []))
    rows = []
    for practice in Practice.values:
        row = PracticeProgress(pledge=pledge, practice=practice, **values.get(practice, {}))
        if practice in values:
            row.last_reported_at = approved_at + datetime.timedelta(days=90)
            report = ProgressReport.objects.create(
                pledge=pledge,
                practice=practice,
                reported_by_label=ACTOR_DEMO,
                note="Demonstration report.",
                **values[practice],
            )
            ProgressReport.objects.filter(pk=report.pk).update(
                created_at=row.last_reported_at, updated_at=row.last_reported_at
            )
        if practice in verified:
            row.verified_at = row.last_reported_at + datetime.timedelta(days=5)
        rows.append(row)
    PracticeProgress.objects.bulk_create(rows)
    # The bulk_create and update() calls above send no signals.
    content_versions.bump(content_versions.PLEDGES)
    return pledge


def load_demo_pledges():
    """Create the demonstration agencies and pledges (is_demo=True, names starting “Demo:”), idempotently.

    Eight agencies across statuses (submitted, email verified, approved, completed,
    lapsed), states and one Canadian province, with history and progress. No email
    is sent. An agency that already exists (by name, state and country) is left alone.
    Returns how many were created.
    """
    created = 0
    now = timezone.now()
    with transaction.atomic():
        for spec in DEMO_AGENCIES:
            exists = Agency.objects.filter(
                name__iexact=spec["name"], state=spec["state"], country=spec.get("country", "US")
            ).exists()
            if exists:
                continue
            _create_demo_pledge(spec, now)
            created += 1
    return created
