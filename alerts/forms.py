from django import forms

from clearinghouse.forms import USWDSFormMixin


class AlertForm(USWDSFormMixin, forms.Form):
    email = forms.EmailField(
        label="Your email address",
        help_text="We send a link to confirm it first. No account; one click in any email stops them.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # A field people cannot see (hidden by CSS, skipped by screen readers): bots fill it in.
    homepage = forms.CharField(label="Leave this field empty", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["homepage"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_spam(self):
        return bool((self.data.get("homepage") or "").strip()) if self.is_bound else False
