"""Resources suggested by the public, moderated by curators (suggestions.services)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from clearinghouse.models import TimeStampedModel
from clearinghouse.uploads import validate_document_upload

# Who may see the suggester's name and email address (granted to Curators by migration 0002).
CONTACT_PERMISSION = "suggestions.view_suggester_contact"


class Suggestion(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    title = models.CharField(max_length=255)
    url = models.URLField("link", max_length=500, blank=True)
    file = models.FileField(
        upload_to="suggestions/%Y/", blank=True, max_length=255, validators=[validate_document_upload]
    )
    reason = models.TextField("why it helps")
    # Private: shown only to staff with the contact permission, used only to tell them the outcome.
    name = models.CharField("suggester’s name", max_length=200, blank=True)
    email = models.EmailField("suggester’s email", blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.TextField(
        blank=True, help_text="Sent to the suggester when they left an email address: be kind and specific."
    )
    resource = models.ForeignKey(
        "resources.Resource",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
        help_text="The draft resource created when the suggestion was accepted.",
    )

    class Meta:
        ordering = ["-created_at"]
        permissions = [("view_suggester_contact", "Can see the names and email addresses of suggesters")]

    def __str__(self):
        return self.title

    def clean(self):
        if not self.url and not self.file:
            message = "Give a link or attach a file."
            raise ValidationError({"url": message, "file": message})
