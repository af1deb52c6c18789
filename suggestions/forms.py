"""The public "suggest a resource" form."""

from django import forms
from django.db import models

from clearinghouse.forms import HoneypotFormMixin, USWDSFormMixin, honeypot_field
from pledges.forms import ACCEPTED_FILE_TYPES, ACCEPTED_FILE_TYPES_HINT
from suggestions.models import Suggestion


def https_url_formfield(db_field, **kwargs):
    """Model form fields, with web addresses typed without a scheme taken as https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class SuggestionForm(HoneypotFormMixin, USWDSFormMixin, forms.ModelForm):
    homepage = honeypot_field()

    class Meta:
        model = Suggestion
        formfield_callback = https_url_formfield
        fields = ["title", "url", "file", "reason", "name", "email"]
        labels = {
            "title": "Title of the resource",
            "url": "Link to it",
            "file": "Or attach the document",
            "reason": "Why it helps",
            "name": "Your name (optional)",
            "email": "Your email address (optional)",
        }
        help_texts = {
            "url": "The address of the page or document, e.g. https://www.example.org/report.pdf",
            "reason": "Who it is for and what it helps them do: a few sentences are enough.",
            "name": "Only our curators see it.",
            "email": "Only to tell you what we decided; never published or shared.",
        }
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 5}),
            "url": forms.URLInput(attrs={"inputmode": "url"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        error_messages = {
            "title": {"required": "Enter the title of the resource."},
            "reason": {"required": "Tell us in a few words why it helps."},
            "url": {"invalid": "Enter a full web address, e.g. https://www.example.org/report.pdf"},
            "email": {"invalid": "Enter an email address like name@example.org, or leave it empty."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = (
            f"{ACCEPTED_FILE_TYPES_HINT}. If the form shows an error, choose the file again: browsers do not keep it."
        )
        self.fields["file"].widget.attrs["accept"] = ACCEPTED_FILE_TYPES

    def suggestion_data(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}
