"""Pledges, their workflow (PLEDGE_TRANSITIONS: declared once, here) and its records."""

import datetime
import secrets
from calendar import monthrange

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clearinghouse.models import TimeStampedModel
from clearinghouse.one_mind import Practice
from pledges.constants import (
    ATTESTATION_TEXT,
    PERMISSION_EXPORT,
    PERMISSION_VIEW_CONTACT,
    TARGET_MONTHS_MAX,
    TARGET_MONTHS_MIN,
)
from pledges.models.agency import Agency

PHONE_PATTERN = r"^\+?[0-9 ().\-]{7,25}(\s*(x|ext\.?)\s*[0-9]{1,6})?$"


def new_nonce():
    """A random, URL-safe value that signed links carry; changing it revokes them."""
    return secrets.token_urlsafe(16)


def add_months(date, months):
    """`date` plus whole months; the 31st of a shorter month becomes its last day."""
    month_index = date.month - 1 + months
    year, month = date.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(date.day, monthrange(year, month)[1]))


class InvalidTransition(ValidationError):
    """A status change the workflow does not allow (see PLEDGE_TRANSITIONS). Its message suits the user."""

    def __init__(self, pledge, to_status, message=None):
        self.pledge = pledge
        self.from_status = pledge.status
        self.to_status = to_status
        if message is None:
            current = Pledge.Status(pledge.status).label.lower()
            message = f"A pledge that is {current} cannot {TRANSITION_VERBS[to_status]}."
        super().__init__(message, code="invalid_transition")


class PledgeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Pledge.OPEN_STATUSES)

    def public(self):
        return self.filter(status__in=Pledge.PUBLIC_STATUSES)


class Pledge(TimeStampedModel):
    """An agency's pledge to implement the four practices within `target_months` of approval."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        EMAIL_VERIFIED = "email_verified", "Email verified"
        APPROVED = "approved", "Approved"
        COMPLETED = "completed", "Completed"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        LAPSED = "lapsed", "Lapsed"

    # An agency has at most one pledge in these statuses (a database constraint).
    OPEN_STATUSES = (Status.SUBMITTED, Status.EMAIL_VERIFIED, Status.APPROVED)
    # Pledges shown on the public roster.
    PUBLIC_STATUSES = (Status.APPROVED, Status.COMPLETED, Status.LAPSED)
    # Pledges whose agency may report progress through the private link.
    REPORTING_STATUSES = (Status.APPROVED, Status.LAPSED)

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="pledges")

    chief_executive_name = models.CharField("chief executive’s name", max_length=200)
    chief_executive_title = models.CharField(
        "chief executive’s title", max_length=120, help_text="e.g. Chief of Police"
    )
    attestation = models.BooleanField(default=False, help_text="The chief executive agreed to the pledge wording.")
    attestation_text = models.TextField(default=ATTESTATION_TEXT, editable=False)

    contact_name = models.CharField("contact’s name", max_length=200)
    contact_title = models.CharField("contact’s title", max_length=120)
    contact_email = models.EmailField("contact’s email address", max_length=254)
    contact_phone = models.CharField(
        "contact’s phone number",
        max_length=40,
        validators=[RegexValidator(PHONE_PATTERN, "Enter a phone number, e.g. 217-555-0100.", code="invalid_phone")],
    )

    target_months = models.PositiveSmallIntegerField(
        "months to implement",
        validators=[
            MinValueValidator(TARGET_MONTHS_MIN, f"Choose between {TARGET_MONTHS_MIN} and {TARGET_MONTHS_MAX} months."),
            MaxValueValidator(TARGET_MONTHS_MAX, f"Choose between {TARGET_MONTHS_MIN} and {TARGET_MONTHS_MAX} months."),
        ],
        help_text=f"Between {TARGET_MONTHS_MIN} and {TARGET_MONTHS_MAX} months, counted from approval.",
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateField(
        null=True, blank=True, help_text="Approval date plus the months to implement; staff may extend it."
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    rejection_reason = models.TextField(blank=True)

    # Signed links (pledges/tokens.py). Changing a nonce revokes the links made with it.
    verification_nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    verification_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    progress_link_nonce = models.CharField(max_length=32, blank=True, editable=False)
    progress_link_issued_at = models.DateTimeField(null=True, blank=True, editable=False)

    is_demo = models.BooleanField(default=False, help_text="Demonstration data, not a real pledge.")

    objects = PledgeQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            # What the agency sitemap reads of each roster pledge (demo or not, last change), from the
            # index alone: a pledge row is wide (the attestation, contact details), the index is not.
            models.Index(fields=["id", "is_demo", "updated_at"], name="pledges_pledge_sitemap"),
        ]
        permissions = [
            (PERMISSION_VIEW_CONTACT, "Can see pledge contact details (PII)"),
            (PERMISSION_EXPORT, "Can export pledges"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(status__in=["submitted", "email_verified", "approved"]),
                name="pledges_pledge_one_open_per_agency",
                violation_error_message="This agency already has a pledge under way.",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "submitted",
                        "email_verified",
                        "approved",
                        "completed",
                        "rejected",
                        "withdrawn",
                        "lapsed",
                    ]
                ),
                name="pledges_pledge_status_valid",
            ),
            models.CheckConstraint(condition=Q(attestation=True), name="pledges_pledge_attested"),
            models.CheckConstraint(
                condition=Q(target_months__gte=TARGET_MONTHS_MIN, target_months__lte=TARGET_MONTHS_MAX),
                name="pledges_pledge_target_months_range",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "completed", "lapsed"])
                | Q(approved_at__isnull=False, deadline__isnull=False),
                name="pledges_pledge_approved_has_deadline",
            ),
        ]

    def __str__(self):
        return f"{self.agency.name}: {self.get_status_display().lower()} pledge"

    def clean(self):
        errors = {}
        if not self.attestation:
            errors["attestation"] = ValidationError(
                "The chief executive must agree to the pledge before it can be submitted.", code="required"
            )
        if self.agency_id and self.status in self.OPEN_STATUSES:
            others = Pledge.objects.open().filter(agency_id=self.agency_id).exclude(pk=self.pk)
            if others.exists():
                errors["agency"] = ValidationError(
                    "%(agency)s in %(region)s already has a pledge under way.",
                    code="open_pledge_exists",
                    params={"agency": self.agency.name, "region": self.agency.region_label},
                )
        if errors:
            raise ValidationError(errors)

    # Workflow ---------------------------------------------------------------------

    def can_transition_to(self, status):
        return status in PLEDGE_TRANSITIONS.get(self.status, ())

    @property
    def allowed_transitions(self):
        """The statuses this pledge may move to next (for admin buttons)."""
        return sorted(PLEDGE_TRANSITIONS.get(self.status, ()))

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def is_public(self):
        return self.status in self.PUBLIC_STATUSES

    @property
    def accepts_progress_reports(self):
        return self.status in self.REPORTING_STATUSES

    def deadline_from(self, approved_on):
        """The deadline for a pledge approved on `approved_on`: that date plus `target_months`."""
        return add_months(approved_on, self.target_months)

    def days_until_deadline(self, today=None):
        if self.deadline is None:
            return None
        return (self.deadline - (today or timezone.localdate())).days

    # Practices ----------------------------------------------------------------------

    def practice_progress(self):
        """The four PracticeProgress rows in Practice order (uses `practices` if prefetched)."""
        order = {value: index for index, value in enumerate(Practice.values)}
        return sorted(self.practices.all(), key=lambda progress: order[progress.practice])

    def progress_for(self, practice):
        practice = Practice(practice)
        return next(progress for progress in self.practices.all() if progress.practice == practice)

    @property
    def verified_practice_count(self):
        return sum(1 for progress in self.practices.all() if progress.verified_at)

    @property
    def all_practices_verified(self):
        rows = list(self.practices.all())
        return len(rows) == len(Practice.values) and all(progress.verified_at for progress in rows)


# The workflow, declared once: status -> the statuses it may move to. Who moves it:
#   submitted -> email_verified   the contact, by the signed link (pledge_verify_email)
#   submitted/email_verified -> rejected   staff, with a reason (pledge_reject)
#   email_verified -> approved    staff; the deadline is set from the approval date (pledge_approve)
#   submitted/email_verified/approved -> withdrawn   the contact or staff, with a reason (pledge_withdraw)
#   approved -> completed         automatic, when staff verify the fourth practice (practice_verify)
#   approved -> lapsed            the system or staff, once the deadline has passed (pledge_mark_lapsed)
#   lapsed -> approved            staff, by extending the deadline (pledge_extend_deadline): a reinstatement
# Completed, rejected and withdrawn are final; an agency whose pledge was rejected,
# withdrawn or lapsed may submit a new pledge.
_S = Pledge.Status
PLEDGE_TRANSITIONS = {
    _S.SUBMITTED: frozenset({_S.EMAIL_VERIFIED, _S.REJECTED, _S.WITHDRAWN}),
    _S.EMAIL_VERIFIED: frozenset({_S.APPROVED, _S.REJECTED, _S.WITHDRAWN}),
    _S.APPROVED: frozenset({_S.COMPLETED, _S.WITHDRAWN, _S.LAPSED}),
    _S.LAPSED: frozenset({_S.APPROVED}),
    _S.COMPLETED: frozenset(),
    _S.REJECTED: frozenset(),
    _S.WITHDRAWN: frozenset(),
}
TRANSITION_VERBS = {
    _S.EMAIL_VERIFIED: "have its email address confirmed",
    _S.APPROVED: "be approved",
    _S.COMPLETED: "be completed",
    _S.REJECTED: "be rejected",
    _S.WITHDRAWN: "be withdrawn",
    _S.LAPSED: "be marked lapsed",
}
del _S


class PledgeTransition(TimeStampedModel):
    """One status change of a pledge: from, to, who, when (created_at) and why. Never edited."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Pledge.Status.choices, blank=True)  # "" for submission
    to_status = models.CharField(max_length=20, choices=Pledge.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text="The staff username, “agency contact” or “system”.")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        from_label = Pledge.Status(self.from_status).label if self.from_status else "(new)"
        return f"{from_label} → {Pledge.Status(self.to_status).label} by {self.actor_label}"


class DeadlineExtension(TimeStampedModel):
    """Staff moved a pledge's deadline (and reinstated it if it had lapsed). Never edited."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="deadline_extensions")
    previous_deadline = models.DateField()
    new_deadline = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    reason = models.TextField()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_deadline__gt=models.F("previous_deadline")), name="pledges_extension_moves_later"
            )
        ]

    def __str__(self):
        return f"Deadline {self.previous_deadline} → {self.new_deadline}"


class DeadlineReminder(TimeStampedModel):
    """A deadline reminder that went out (or was skipped for a more urgent one), per pledge, deadline and lead time.

    Keyed by the deadline, so extending the deadline makes the reminders due again.
    """

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="deadline_reminders")
    deadline = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    was_sent = models.BooleanField(default=True, help_text="False when skipped because a closer reminder was due.")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "deadline", "days_before"], name="pledges_reminder_once_per_deadline"
            )
        ]

    def __str__(self):
        return f"{self.days_before}-day reminder for {self.deadline}"
