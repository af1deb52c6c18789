"""Progress reports on the four practices, and staff verification (which completes the pledge)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from clearinghouse.one_mind import Practice
from pledges import emails
from pledges.constants import ACTOR_CONTACT, ACTOR_SYSTEM
from pledges.models import Pledge, PracticeValues, ProgressReport
from pledges.services.workflow import label_for, lock_pledge, require_actor, transition


def pledge_record_progress(
    *,
    pledge,
    practice,
    reported_by=None,
    note="",
    partner_organizations=None,
    agreement_date=None,
    agreement_document=None,
    policy_adopted_on=None,
    policy_document=None,
    policy_resource=None,
    sworn_trained=None,
    non_sworn_trained=None,
):
    """Record a dated progress report on one practice and make it the practice's latest values.

    Pass only the values of that practice (PracticeValues.FIELDS_BY_PRACTICE), stating
    its current values in full; a document left out keeps the previous one. `reported_by`
    is the staff user recording it on the agency's behalf, or None for the agency contact.
    Allowed while the pledge is approved or lapsed (ValidationError code "not_reporting"
    otherwise); a report with no value and no note is refused ("empty_report"). Field
    problems are ValidationErrors keyed by field name. Reports are never overwritten:
    each one is a ProgressReport.

    If a verified practice is no longer met after the report (fewer trained officers,
    or, under the combined MHFA rule, fewer CIT-trained officers), its verification is
    cleared and the report says so (cleared_verification); a practice still met stays
    verified. Reviewers are emailed when a practice becomes, or is reported, met and
    unverified. Returns the ProgressReport.
    """
    practice = Practice(practice)
    values = {
        "partner_organizations": partner_organizations,
        "agreement_date": agreement_date,
        "agreement_document": agreement_document,
        "policy_adopted_on": policy_adopted_on,
        "policy_document": policy_document,
        "policy_resource": policy_resource,
        "sworn_trained": sworn_trained,
        "non_sworn_trained": non_sworn_trained,
    }
    relevant = PracticeValues.FIELDS_BY_PRACTICE[practice]
    stray = sorted(name for name, value in values.items() if name not in relevant and value not in (None, ""))
    if stray:
        raise TypeError(f"{', '.join(stray)} do not belong to the {practice.label} practice.")
    if practice == Practice.PARTNERSHIP:
        values["partner_organizations"] = "\n".join(
            line.strip() for line in (partner_organizations or "").splitlines() if line.strip()
        )
    if practice in (Practice.MHFA, Practice.CIT) and non_sworn_trained is None:
        values["non_sworn_trained"] = 0
    note = (note or "").strip()
    # Training reports always carry a count (required, with a field error); the others need something.
    if (
        practice in (Practice.PARTNERSHIP, Practice.POLICY)
        and not note
        and all(values[name] in (None, "") for name in relevant)
    ):
        raise ValidationError("Report at least one value, or add a note.", code="empty_report")

    with transaction.atomic():
        lock_pledge(pledge)
        if not pledge.accepts_progress_reports:
            raise ValidationError(
                "Progress can be reported only while a pledge is approved or lapsed; this one is %(status)s.",
                code="not_reporting",
                params={"status": pledge.get_status_display().lower()},
            )
        report = ProgressReport(
            pledge=pledge,
            practice=practice,
            note=note,
            reported_by=reported_by,
            reported_by_label=label_for(reported_by, ACTOR_CONTACT),
            **{name: values[name] for name in relevant},
        )
        report.full_clean()
        report.save()

        prefetch_related_objects([pledge], "practices")
        rows = pledge.practice_progress()
        met_before = {row.practice: row.is_met for row in rows}
        progress = pledge.progress_for(practice)
        for name in relevant:
            value = getattr(report, name)
            if name in PracticeValues.DOCUMENT_FIELDS and not value:
                continue  # No new document: keep the one on file.
            setattr(progress, name, value)
        progress.last_reported_at = report.created_at

        changed = {progress}
        for row in rows:
            if row.verified_at and not row.is_met:
                row.verified_at = None
                row.verified_by = None
                report.cleared_verification = True
                changed.add(row)
        for row in changed:
            row.full_clean(exclude=PracticeValues.DOCUMENT_FIELDS)
            row.save()
        if report.cleared_verification:
            report.save(update_fields=["cleared_verification", "updated_at"])

        for row in rows:
            if row.is_met and not row.verified_at and (row is progress or not met_before[row.practice]):
                emails.queue(emails.practice_ready_message(row))
    return report


def practice_verify(*, pledge, practice, actor):
    """Staff confirm that a met practice is in place; the fourth verification completes the pledge.

    Only on an approved pledge (ValidationError code "not_approved"), only a practice
    not yet verified ("already_verified") and met under pledges.rules ("practice_not_met",
    with what is missing). When all four are verified the pledge moves approved →
    completed in the same transaction (completed_at set, transition recorded) and the
    contact is congratulated. Returns the PracticeProgress (its .pledge is `pledge`).
    """
    require_actor(actor)
    practice = Practice(practice)
    with transaction.atomic():
        lock_pledge(pledge)
        if pledge.status != Pledge.Status.APPROVED:
            raise ValidationError(
                "Practices can be verified only on an approved pledge; this one is %(status)s.",
                code="not_approved",
                params={"status": pledge.get_status_display().lower()},
            )
        prefetch_related_objects([pledge], "practices")
        progress = pledge.progress_for(practice)
        if progress.verified_at:
            raise ValidationError(
                "%(practice)s is already verified.", code="already_verified", params={"practice": practice.label}
            )
        evaluation = progress.evaluation
        if not evaluation.is_met:
            raise ValidationError(
                "%(practice)s is not met yet (%(summary)s). Missing: %(missing)s.",
                code="practice_not_met",
                params={
                    "practice": practice.label,
                    "summary": evaluation.summary,
                    "missing": ", ".join(evaluation.missing),
                },
            )
        now = timezone.now()
        progress.verified_at = now
        progress.verified_by = actor
        progress.save(update_fields=["verified_at", "verified_by", "updated_at"])
        if pledge.all_practices_verified:
            pledge.completed_at = now
            transition(
                pledge,
                Pledge.Status.COMPLETED,
                actor=actor,
                actor_label=label_for(actor, ACTOR_SYSTEM),
                reason="All four practices verified.",
                at=now,
            )
            emails.queue(emails.completed_message(pledge))
    return progress
