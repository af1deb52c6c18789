from django import forms

from clearinghouse.forms import HoneypotFormMixin, USWDSFormMixin, honeypot_field


class AlertForm(HoneypotFormMixin, USWDSFormMixin, forms.Form):
    email = forms.EmailField(
        label="Your email address",
        help_text="We send a link to confirm it first. No account; one click in any email stops them.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    homepage = honeypot_field()
