"""Forms of the pledge admin's intermediate pages: a reason for a decision, a new deadline."""

from django import forms

from clearinghouse.forms import PlainTextFormMixin


class ReasonForm(PlainTextFormMixin, forms.Form):
    """A required reason, recorded with the change (and, for rejections and withdrawals, emailed)."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60, "class": "vLargeTextField"}),
        max_length=2000,
        strip=True,
        error_messages={"required": "Give a reason. It is recorded with the change."},
    )

    def __init__(self, *args, reason_label="Reason", reason_help="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = reason_label
        self.fields["reason"].help_text = reason_help


class ExtendDeadlineForm(ReasonForm):
    """A new deadline and why. The service decides whether the date is acceptable."""

    new_deadline = forms.DateField(
        label="New deadline",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The last day for the agency to complete the four practices (YYYY-MM-DD).",
        error_messages={"required": "Enter the new deadline.", "invalid": "Enter a date, e.g. 2027-06-30."},
    )

    field_order = ["new_deadline", "reason"]


def add_service_errors(form, error):
    """Show a service's ValidationError on the form: keyed errors on their field, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
    return form


def error_text(error):
    """One line for an admin message from a ValidationError (each distinct message once)."""
    messages = []
    for message in error.messages:
        if message not in messages:
            messages.append(message)
    return " ".join(messages)
