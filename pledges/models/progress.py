"""Practice progress: the latest values per practice, and the dated reports that are their history."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from clearinghouse.models import TimeStampedModel
from clearinghouse.one_mind import Practice
from clearinghouse.uploads import validate_document_upload
from pledges import rules
from pledges.models.pledge import Pledge


def evidence_upload_path(instance, filename):
    """Evidence lives under a private prefix, with a random part so names cannot be guessed.

    Nothing serves MEDIA_ROOT publicly (see settings); views that check access stream these.
    """
    return f"private/pledges/{instance.pledge_id}/{instance.practice}/{secrets.token_hex(8)}-{filename}"


class PracticeValues(models.Model):
    """The values an agency reports for a practice; each practice uses its own subset.

    partnership: partner_organizations, agreement_date, agreement_document
    policy:      policy_adopted_on, policy_document, policy_resource
    mhfa, cit:   sworn_trained, non_sworn_trained
    """

    FIELDS_BY_PRACTICE = {
        Practice.PARTNERSHIP: ("partner_organizations", "agreement_date", "agreement_document"),
        Practice.POLICY: ("policy_adopted_on", "policy_document", "policy_resource"),
        Practice.MHFA: ("sworn_trained", "non_sworn_trained"),
        Practice.CIT: ("sworn_trained", "non_sworn_trained"),
    }
    DOCUMENT_FIELDS = ("agreement_document", "policy_document")

    partner_organizations = models.TextField(blank=True, help_text="One organization per line.")
    agreement_date = models.DateField("date of the partnership agreement", null=True, blank=True)
    agreement_document = models.FileField(
        "partnership agreement",
        upload_to=evidence_upload_path,
        max_length=255,
        blank=True,
        validators=[validate_document_upload],
    )
    policy_adopted_on = models.DateField("date the policy was adopted", null=True, blank=True)
    policy_document = models.FileField(
        "policy document",
        upload_to=evidence_upload_path,
        max_length=255,
        blank=True,
        validators=[validate_document_upload],
    )
    policy_resource = models.ForeignKey(
        "resources.Resource",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"status": "published"},
        help_text="The catalog model policy the agency's policy follows, if any.",
    )
    sworn_trained = models.PositiveIntegerField("sworn officers trained", null=True, blank=True)
    non_sworn_trained = models.PositiveIntegerField("non-sworn staff trained", default=0)

    class Meta:
        abstract = True

    def partner_list(self):
        return [line.strip() for line in self.partner_organizations.splitlines() if line.strip()]

    def practice_fields(self):
        return self.FIELDS_BY_PRACTICE[Practice(self.practice)]


class PracticeProgress(PracticeValues, TimeStampedModel):
    """Where a pledge stands on one practice: the latest reported values and staff verification.

    Four rows per pledge, created with the pledge. The history of reports is in ProgressReport.
    """

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="practices")
    practice = models.CharField(max_length=20, choices=Practice.choices)
    last_reported_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "practice progress"
        verbose_name_plural = "practice progress"
        ordering = ["pledge", "practice"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "practice"], name="pledges_progress_one_per_practice"),
        ]

    def __str__(self):
        return f"{self.get_practice_display()}: {'verified' if self.verified_at else 'not verified'}"

    def get_additional_data(self):
        """Kept by the audit trail beside each change of this row: the pledge it belongs to (decision 0015)."""
        return {"pledge_id": self.pledge_id}

    # Evaluation (rules.py). Bounded queries when read through pledge.practices prefetched
    # with the pledge's agency selected: the MHFA rule reads the CIT sibling from that cache.

    @property
    def evaluation(self):
        """A rules.PracticeEvaluation of the latest values."""
        pledge = self.pledge
        cit_sworn_trained = 0
        if self.practice == Practice.MHFA:
            cit = next((row for row in pledge.practices.all() if row.practice == Practice.CIT), None)
            cit_sworn_trained = (cit.sworn_trained or 0) if cit else 0
        return rules.evaluate_practice(
            self, sworn_officers=pledge.agency.sworn_officers, cit_sworn_trained=cit_sworn_trained
        )

    @property
    def is_met(self):
        return self.evaluation.is_met

    @property
    def is_verified(self):
        return self.verified_at is not None

    @property
    def percent_trained(self):
        """Training practices: officers counted toward the target, as a % of sworn (rounded down). Else None."""
        return self.evaluation.percent_trained

    @property
    def target_percent(self):
        """Training practices: the target % of sworn officers under the rule in force. Else None."""
        return self.evaluation.target_percent


class ProgressReport(PracticeValues, TimeStampedModel):
    """One dated progress report on one practice. Reports are never overwritten: they are the history.

    `created_at` is when it was reported. Documents left empty in a report keep the
    previous document on the PracticeProgress.
    """

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="progress_reports")
    practice = models.CharField(max_length=20, choices=Practice.choices)
    note = models.TextField(blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff user who recorded it on the agency’s behalf; empty when the contact reported.",
    )
    reported_by_label = models.CharField(max_length=150)
    cleared_verification = models.BooleanField(
        default=False, help_text="This report made a verified practice unmet, so its verification was cleared."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_practice_display()} report by {self.reported_by_label}"

    def clean(self):
        errors = {}
        today = timezone.localdate()
        for name in ("agreement_date", "policy_adopted_on"):
            value = getattr(self, name)
            if value and value > today:
                errors[name] = ValidationError("This date is in the future.", code="future_date")
        if self.practice in rules.TRAINING_PRACTICES and self.pledge_id:
            agency = self.pledge.agency
            if self.sworn_trained is None:
                errors["sworn_trained"] = ValidationError(
                    "Enter the number of sworn officers trained (0 if none yet).", code="required"
                )
            elif self.sworn_trained > agency.sworn_officers:
                errors["sworn_trained"] = ValidationError(
                    "This is more than the agency’s %(sworn)s sworn officers. Correct the number, or ask us to "
                    "update the agency’s count.",
                    code="more_than_sworn",
                    params={"sworn": agency.sworn_officers},
                )
            if agency.non_sworn_staff is not None and self.non_sworn_trained > agency.non_sworn_staff:
                errors["non_sworn_trained"] = ValidationError(
                    "This is more than the agency’s %(staff)s non-sworn staff.",
                    code="more_than_staff",
                    params={"staff": agency.non_sworn_staff},
                )
        if errors:
            raise ValidationError(errors)
