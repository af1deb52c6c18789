"""Submitting a pledge and confirming the contact's email address."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clearinghouse import content_versions
from clearinghouse.one_mind import Practice
from pledges import emails, selectors, tokens
from pledges.constants import (
    ACTOR_CONTACT,
    ACTOR_SYSTEM,
    ATTESTATION_TEXT,
    VERIFICATION_LINK_MAX_AGE,
    VERIFICATION_RESEND_INTERVAL,
)
from pledges.models import Agency, Pledge, PledgeTransition, PracticeProgress, new_nonce
from pledges.services.workflow import lock_pledge, transition
from pledges.tokens import LinkAlreadyUsed, LinkRevoked

AGENCY_DATA_FIELDS = (
    "name",
    "agency_type",
    "city",
    "country",
    "state",
    "ori",
    "sworn_officers",
    "non_sworn_staff",
    "website",
)
PLEDGE_DATA_FIELDS = (
    "chief_executive_name",
    "chief_executive_title",
    "attestation",
    "contact_name",
    "contact_title",
    "contact_email",
    "contact_phone",
    "target_months",
)
# When an agency pledges again, these describe it as it is now and replace the stored values.
AGENCY_REFRESHED_FIELDS = ("agency_type", "city", "sworn_officers", "non_sworn_staff", "website")


def _errors_of(error):
    return error.error_dict if hasattr(error, "error_dict") else {"__all__": error.error_list}


def _merge_errors(*dicts):
    merged = {}
    for errors in dicts:
        for key, value in errors.items():
            merged.setdefault(key, []).extend(value if isinstance(value, list) else [value])
    return merged


def _check_keys(data, allowed, name):
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"{name} has unknown keys: {', '.join(sorted(unknown))}")


def _verification_is_stale(pledge, now):
    last_sent = pledge.verification_sent_at or pledge.submitted_at
    return last_sent + VERIFICATION_LINK_MAX_AGE < now


def _existing_agency(submitted, by_ori, by_name):
    """The agency this submission is for, or None if new; ValidationError when ORI and name disagree."""
    if by_ori and by_name and by_ori.pk != by_name.pk:
        raise ValidationError(submitted.duplicate_errors())
    if by_name and not by_ori and submitted.ori and by_name.ori:
        raise ValidationError(
            {
                "ori": ValidationError(
                    "An agency named %(agency)s in %(region)s has already taken the pledge with a different ORI. "
                    "Check the ORI, or contact us if it has changed.",
                    code="ori_mismatch",
                    params={"agency": by_name.name, "region": by_name.region_label},
                )
            }
        )
    return by_ori or by_name


def _prepare_repledge(existing, submitted, *, matched_by, now):
    """Reuse an existing agency for a new pledge, or explain why it cannot pledge again.

    Refused when the agency completed a pledge or has one under way. An unverified
    submission whose links have all expired does not block: it is withdrawn by the
    system ("never confirmed"), as its contact could not be reached.
    """
    agency = Agency.objects.select_for_update().get(pk=existing.pk)
    params = {"agency": agency.name, "region": agency.region_label}
    pledges = list(agency.pledges.all())
    if any(pledge.status == Pledge.Status.COMPLETED for pledge in pledges):
        raise ValidationError(
            {
                matched_by: ValidationError(
                    "%(agency)s in %(region)s has already taken and completed the One Mind pledge.",
                    code="already_completed",
                    params=params,
                )
            }
        )
    for pledge in pledges:
        if not pledge.is_open:
            continue
        if pledge.status == Pledge.Status.SUBMITTED and _verification_is_stale(pledge, now):
            lock_pledge(pledge)
            transition(
                pledge,
                Pledge.Status.WITHDRAWN,
                actor=None,
                actor_label=ACTOR_SYSTEM,
                reason="Replaced by a new submission: this pledge’s email address was never confirmed.",
            )
            continue
        raise ValidationError(
            {
                matched_by: ValidationError(
                    "An agency named %(agency)s in %(region)s has already taken the pledge.",
                    code="duplicate_agency",
                    params=params,
                )
            }
        )
    for name in AGENCY_REFRESHED_FIELDS:
        setattr(agency, name, getattr(submitted, name))
    if not agency.ori:
        agency.ori = submitted.ori
    agency.full_clean()
    agency.save()
    return agency


def pledge_submit(*, agency_data, pledge_data):
    """Record a new pledge, status "submitted", and email the contact a verification link.

    `agency_data` and `pledge_data` hold model field values (AGENCY_DATA_FIELDS,
    PLEDGE_DATA_FIELDS). Creates the Agency (or reuses it when it pledges again after
    a rejection, withdrawal or lapse, refreshing AGENCY_REFRESHED_FIELDS), the Pledge
    with the current ATTESTATION_TEXT, its four PracticeProgress rows and the first
    PledgeTransition ("" → submitted, by the agency contact).

    Raises ValidationError keyed by model field name: every field problem at once;
    then a duplicate agency (same ORI, or same name case-insensitively in the same
    state and country) that has completed the pledge or has one under way:
    "An agency named X in Y has already taken the pledge." Nothing is written then.
    """
    _check_keys(agency_data, AGENCY_DATA_FIELDS, "agency_data")
    _check_keys(pledge_data, PLEDGE_DATA_FIELDS, "pledge_data")
    submitted = Agency(**agency_data)
    submitted.normalize()
    pledge = Pledge(**pledge_data, attestation_text=ATTESTATION_TEXT)

    field_errors = []
    try:
        submitted.clean_fields(exclude=["slug"])
    except ValidationError as error:
        field_errors.append(_errors_of(error))
    field_errors.append(submitted.location_errors())
    try:
        pledge.full_clean(exclude=["agency"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field_errors.append(_errors_of(error))
    errors = _merge_errors(*field_errors)
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            now = timezone.now()
            by_ori, by_name = selectors.find_matching_agencies(
                name=submitted.name, state=submitted.state, country=submitted.country, ori=submitted.ori
            )
            existing = _existing_agency(submitted, by_ori, by_name)
            if existing:
                matched_by = "ori" if by_ori else "name"
                agency = _prepare_repledge(existing, submitted, matched_by=matched_by, now=now)
            else:
                agency = submitted
                agency.full_clean()
                agency.save()
            pledge.agency = agency
            pledge.submitted_at = pledge.status_changed_at = pledge.verification_sent_at = now
            pledge.full_clean()
            pledge.save()
            PracticeProgress.objects.bulk_create(
                [PracticeProgress(pledge=pledge, practice=practice) for practice in Practice.values]
            )
            content_versions.bump(content_versions.PLEDGES)  # bulk_create sends no signal.
            PledgeTransition.objects.create(
                pledge=pledge, from_status="", to_status=pledge.status, actor=None, actor_label=ACTOR_CONTACT
            )
            emails.queue(emails.verification_message(pledge))
    except IntegrityError as error:
        # Another submission for the same agency committed between our checks and our insert.
        raise ValidationError(
            {
                "name": ValidationError(
                    "An agency named %(agency)s in %(region)s has just taken the pledge.",
                    code="duplicate_agency",
                    params={"agency": submitted.name, "region": submitted.region_label},
                )
            }
        ) from error
    return pledge


def pledge_verify_email(*, token):
    """Confirm the contact's email address from a verification link: submitted → email_verified.

    Single use: the pledge's verification nonce is rotated. Emails the reviewers that
    the pledge awaits review. Returns the pledge. Raises the pledges.tokens link
    errors: LinkInvalid (tampered), LinkExpired (older than 7 days; `.pledge` set, so
    the view can offer pledge_resend_verification), LinkAlreadyUsed, LinkRevoked.
    """
    pledge = tokens.read_verification_token(token)
    with transaction.atomic():
        lock_pledge(pledge)
        # Re-checked under the lock: two clicks at once verify once.
        if pledge.email_verified_at is not None:
            raise LinkAlreadyUsed(pledge)
        if pledge.status != Pledge.Status.SUBMITTED:
            raise LinkRevoked(pledge, "This pledge was closed before its email address was confirmed.")
        now = timezone.now()
        pledge.email_verified_at = now
        pledge.verification_nonce = new_nonce()
        transition(pledge, Pledge.Status.EMAIL_VERIFIED, actor=None, actor_label=ACTOR_CONTACT, at=now)
        emails.queue(emails.awaiting_review_message(pledge))
    return pledge


def pledge_resend_verification(*, pledge):
    """Email the contact a new verification link (earlier links keep working until they expire).

    Only for a pledge still "submitted"; at most once per VERIFICATION_RESEND_INTERVAL
    (2 minutes). Raises ValidationError otherwise (codes "not_awaiting_verification",
    "resend_too_soon"). Returns the pledge.
    """
    with transaction.atomic():
        lock_pledge(pledge)
        if pledge.status != Pledge.Status.SUBMITTED:
            raise ValidationError(
                "This pledge is not waiting for its email address to be confirmed.", code="not_awaiting_verification"
            )
        now = timezone.now()
        if pledge.verification_sent_at and now - pledge.verification_sent_at < VERIFICATION_RESEND_INTERVAL:
            raise ValidationError(
                "We sent a confirmation email a moment ago. Check your inbox and spam folder, "
                "and try again in a few minutes.",
                code="resend_too_soon",
            )
        pledge.verification_sent_at = now
        pledge.save(update_fields=["verification_sent_at", "updated_at"])
        emails.queue(emails.verification_message(pledge))
    return pledge


def pledge_resend_verification_by_email(*, email):
    """Resend verification links for every "submitted" pledge with this contact email address.

    Returns how many were sent; never raises for an unknown address or a too-early
    resend, so a public form cannot be used to learn who has pledged.
    """
    sent = 0
    for pledge in Pledge.objects.filter(status=Pledge.Status.SUBMITTED, contact_email__iexact=(email or "").strip()):
        try:
            pledge_resend_verification(pledge=pledge)
        except ValidationError:
            continue
        sent += 1
    return sent
