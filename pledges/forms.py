"""Forms of the public pledge pages: the pledge itself, progress reports, withdrawal and resending a link.

Forms only check and shape what a visitor typed; the services (pledges.services) do
every write and the workflow's own checks. A service's ValidationError is keyed by
model field name; `add_service_errors` puts each message on the form field it
concerns, so the page shows it beside what the visitor typed.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone

from clearinghouse.forms import HoneypotFormMixin, USWDSFormMixin, honeypot_field
from clearinghouse.one_mind import Practice
from clearinghouse.uploads import ALLOWED_EXTENSIONS, validate_document_upload
from pledges import rules
from pledges.constants import (
    ATTESTATION_TEXT,
    COUNTRIES,
    DEFAULT_COUNTRY,
    TARGET_MONTHS_MAX,
    TARGET_MONTHS_MIN,
    US_STATES,
)
from pledges.models import ORI_PATTERN, PHONE_PATTERN, Agency

# No agency comes near this many staff (the largest US department has about 35,000 sworn officers);
# a larger number is a typo, and the database column would overflow on absurd ones.
MAX_STAFF_COUNT = 100_000
TEXT_MAX_LENGTH = 2000
ACCEPTED_FILE_TYPES = ",".join(f".{extension}" for extension in ALLOWED_EXTENSIONS)
ACCEPTED_FILE_TYPES_HINT = ", ".join(extension.upper() for extension in ALLOWED_EXTENSIONS)


def staff_count_field(label, *, required, minimum, help_text=""):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=minimum,
        max_value=MAX_STAFF_COUNT,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter a whole number, e.g. 120.",
            "max_value": f"Check this number: it is more than {MAX_STAFF_COUNT:,}.",
        },
    )


def add_service_errors(form, error, *, field_map=None):
    """Show a service's ValidationError on `form`: each message on its field, the rest at the top.

    `field_map` renames model fields to form fields (e.g. "state" → "province").
    """
    field_map = field_map or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = field_map.get(name, name)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, error.error_list)


# --- Taking the pledge ---------------------------------------------------------------------


class PledgeForm(HoneypotFormMixin, USWDSFormMixin, forms.Form):
    """The pledge: the agency, its chief executive's attestation, a point of contact and the target window.

    The state is a select for US agencies and free text elsewhere ("province"); both
    are always in the page, so it works without JavaScript, and the server uses the
    one that matches the country.
    """

    # The agency.
    name = forms.CharField(
        label="Agency name", max_length=200, help_text="The agency’s full name, e.g. “Springfield Police Department”."
    )
    agency_type = forms.ChoiceField(label="Type of agency", choices=[("", "- Select -"), *Agency.AgencyType.choices])
    city = forms.CharField(label="City or town", max_length=120)
    country = forms.ChoiceField(label="Country", choices=COUNTRIES, initial=DEFAULT_COUNTRY)
    state = forms.ChoiceField(
        label="State (United States)",
        choices=[("", "- Select -"), *US_STATES],
        required=False,
        help_text="Required for agencies in the United States, including DC and the territories.",
    )
    province = forms.CharField(
        label="State, province or region (outside the United States)",
        max_length=100,
        required=False,
        help_text="Optional, for agencies outside the United States, e.g. Ontario.",
    )
    ori = forms.CharField(
        label="ORI (optional)",
        max_length=20,
        required=False,
        help_text="The agency’s FBI Originating Agency Identifier: 9 characters, e.g. IL0840000.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    sworn_officers = staff_count_field(
        "Number of sworn officers",
        required=True,
        minimum=1,
        help_text="Training targets are percentages of this number.",
    )
    non_sworn_staff = staff_count_field(
        "Number of non-sworn staff (optional)",
        required=False,
        minimum=0,
        help_text="Dispatchers, civilian staff and others.",
    )
    website = forms.URLField(
        label="Agency website (optional)",
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )

    # The chief executive and the attestation.
    chief_executive_name = forms.CharField(label="Chief executive’s name", max_length=200)
    chief_executive_title = forms.CharField(
        label="Chief executive’s title", max_length=120, help_text="e.g. Chief of Police, Sheriff, Commissioner"
    )
    attestation = forms.BooleanField(
        label="The chief executive agrees to the pledge above",
        error_messages={"required": "The chief executive must agree to the pledge before it can be submitted."},
    )

    # The point of contact.
    contact_name = forms.CharField(
        label="Contact’s name",
        max_length=200,
        help_text="The person we write to about the pledge. Never shown on the public roster.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_title = forms.CharField(label="Contact’s title", max_length=120)
    contact_email = forms.EmailField(
        label="Contact’s email address",
        max_length=254,
        help_text="We send a link to this address to confirm it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Enter an email address like name@agency.gov."},
    )
    contact_phone = forms.CharField(
        label="Contact’s phone number",
        max_length=40,
        validators=[RegexValidator(PHONE_PATTERN, "Enter a phone number, e.g. 217-555-0100.", code="invalid_phone")],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    # The window.
    target_months = forms.IntegerField(
        label="Months to put the four practices in place",
        min_value=TARGET_MONTHS_MIN,
        max_value=TARGET_MONTHS_MAX,
        help_text=f"Between {TARGET_MONTHS_MIN} and {TARGET_MONTHS_MAX} months, counted from approval.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": f"Enter a whole number of months between {TARGET_MONTHS_MIN} and {TARGET_MONTHS_MAX}.",
            "min_value": f"Choose between {TARGET_MONTHS_MIN} and {TARGET_MONTHS_MAX} months.",
            "max_value": f"Choose between {TARGET_MONTHS_MIN} and {TARGET_MONTHS_MAX} months.",
        },
    )

    homepage = honeypot_field()

    AGENCY_FIELDS = ("name", "agency_type", "city", "country", "ori", "sworn_officers", "non_sworn_staff", "website")
    PLEDGE_FIELDS = (
        "chief_executive_name",
        "chief_executive_title",
        "attestation",
        "contact_name",
        "contact_title",
        "contact_email",
        "contact_phone",
        "target_months",
    )
    FIELDSETS = (
        ("Your agency", ("name", "agency_type", "city", "country", "state", "province", "ori", "sworn_officers",
                         "non_sworn_staff", "website")),
        ("Chief executive", ("chief_executive_name", "chief_executive_title")),
        ("Point of contact", ("contact_name", "contact_title", "contact_email", "contact_phone")),
        ("Time frame", ("target_months",)),
    )  # fmt: skip

    REQUIRED_MESSAGES = {
        "name": "Enter the agency’s name.",
        "agency_type": "Choose the type of agency.",
        "city": "Enter the city or town.",
        "country": "Choose the country.",
        "sworn_officers": "Enter the number of sworn officers.",
        "chief_executive_name": "Enter the chief executive’s name.",
        "chief_executive_title": "Enter the chief executive’s title.",
        "contact_name": "Enter the contact’s name.",
        "contact_title": "Enter the contact’s title.",
        "contact_email": "Enter the contact’s email address.",
        "contact_phone": "Enter the contact’s phone number.",
        "target_months": f"Enter the number of months, between {TARGET_MONTHS_MIN} and {TARGET_MONTHS_MAX}.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in self.REQUIRED_MESSAGES.items():
            self.fields[name].error_messages["required"] = message
        self.attestation_text = ATTESTATION_TEXT

    def clean_ori(self):
        ori = "".join(self.cleaned_data["ori"].split()).upper()
        if ori and not RegexValidator(ORI_PATTERN).regex.match(ori):
            raise ValidationError(
                "An ORI is 9 characters: the 2-letter state code then 7 letters or digits, e.g. IL0840000.",
                code="invalid_ori",
            )
        return ori

    def clean(self):
        cleaned_data = super().clean()
        country = cleaned_data.get("country")
        # Only the field that matches the country counts; whatever the other one holds is ignored.
        if country == "US":
            cleaned_data["province"] = ""
            self._errors.pop("province", None)
            if not cleaned_data.get("state") and "state" not in self._errors:
                self.add_error("state", ValidationError("Choose the state.", code="required"))
        elif country:
            cleaned_data["state"] = ""
            self._errors.pop("state", None)
        return cleaned_data

    @property
    def region_field(self):
        """The form field holding the agency's state: "state" in the US, "province" elsewhere."""
        return "state" if self.cleaned_data.get("country", self.data.get("country")) == "US" else "province"

    def agency_data(self):
        """The `agency_data` of pledges.services.pledge_submit."""
        data = {name: self.cleaned_data[name] for name in self.AGENCY_FIELDS}
        data["state"] = self.cleaned_data[self.region_field]
        data["website"] = data["website"] or ""
        return data

    def pledge_data(self):
        """The `pledge_data` of pledges.services.pledge_submit."""
        return {name: self.cleaned_data[name] for name in self.PLEDGE_FIELDS}

    def add_service_errors(self, error):
        # An open pledge of the same agency is reported on the agency's name.
        add_service_errors(self, error, field_map={"state": self.region_field, "agency": "name"})

    def fieldsets(self):
        """(legend, bound fields) in page order, for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]


class ResendVerificationForm(USWDSFormMixin, forms.Form):
    email = forms.EmailField(
        label="The contact’s email address",
        max_length=254,
        help_text="The address given on the pledge form.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Enter an email address like name@agency.gov."},
    )


# --- Progress reports -------------------------------------------------------------------------


class ReportDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def report_date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=ReportDateInput(),
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        help_text="For example, 2024-03-15 or 03/15/2024.",
        error_messages={"invalid": "Enter a real date, e.g. 2024-03-15."},
    )


DOCUMENT_HINT = f"Optional. {ACCEPTED_FILE_TYPES_HINT}; checked by content."


def document_field(label):
    return forms.FileField(
        label=label,
        required=False,
        help_text=DOCUMENT_HINT,
        validators=[validate_document_upload],
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILE_TYPES}),
    )


def document_display_name(name):
    """The name a visitor gave their document, without the folders and random prefix of its storage path."""
    base = (name or "").rsplit("/", 1)[-1]
    prefix, separator, original = base.partition("-")
    return original if separator and len(prefix) == 16 else base


class PracticeReportForm(USWDSFormMixin, forms.Form):
    """A progress report on one practice; subclasses declare that practice's fields (PracticeValues).

    The form opens filled with the practice's latest values, since a report states
    them in full: the agency changes what moved on.
    """

    practice = None
    value_fields = ()

    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything our reviewers should know, e.g. the name of the course or when training continues.",
    )

    def __init__(self, *args, progress, **kwargs):
        """`progress` is the practice's PracticeProgress."""
        self.progress = progress
        kwargs.setdefault("prefix", self.practice.value)
        kwargs.setdefault("initial", self.initial_values(progress))
        super().__init__(*args, **kwargs)
        self.order_fields([*self.value_fields, "note"])
        for name in self.value_fields:
            if name.endswith("_document"):
                on_file = document_display_name(getattr(progress, name).name)
                if on_file:
                    self.fields[
                        name
                    ].help_text = f"{DOCUMENT_HINT} Leave empty to keep the document on file ({on_file})."

    def initial_values(self, progress):
        return {name: getattr(progress, name) for name in self.value_fields if not name.endswith("_document")}

    def clean(self):
        cleaned_data = super().clean()
        today = timezone.localdate()
        for name in ("agreement_date", "policy_adopted_on"):
            value = cleaned_data.get(name)
            if value and value > today:
                self.add_error(name, ValidationError("This date is in the future.", code="future_date"))
        return cleaned_data

    def report_values(self):
        """Keyword arguments for pledges.services.pledge_record_progress (besides pledge and practice)."""
        return {name: self.cleaned_data.get(name) for name in (*self.value_fields, "note")}

    def add_service_errors(self, error):
        add_service_errors(self, error)


class PartnershipReportForm(PracticeReportForm):
    practice = Practice.PARTNERSHIP
    value_fields = ("partner_organizations", "agreement_date", "agreement_document")

    partner_organizations = forms.CharField(
        label="Partner organizations",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Community mental health organizations, one per line.",
    )
    agreement_date = report_date_field("Date of the partnership agreement")
    agreement_document = document_field("Partnership agreement")


class PolicyReportForm(PracticeReportForm):
    practice = Practice.POLICY
    value_fields = ("policy_adopted_on", "policy_document", "policy_resource")

    policy_adopted_on = report_date_field("Date the policy was adopted")
    policy_document = document_field("Policy document")
    policy_resource = forms.ModelChoiceField(
        label="Model policy it follows (optional)",
        queryset=None,
        required=False,
        empty_label="- None, or not in our catalog -",
        help_text="A model policy from our catalog that the agency’s policy is based on.",
    )

    def __init__(self, *args, progress, policy_resources, **kwargs):
        """`policy_resources`: the published catalog resources tagged with the policy practice."""
        super().__init__(*args, progress=progress, **kwargs)
        self.fields["policy_resource"].queryset = policy_resources

    def initial_values(self, progress):
        return {"policy_adopted_on": progress.policy_adopted_on, "policy_resource": progress.policy_resource_id}


class TrainingReportForm(PracticeReportForm):
    value_fields = ("sworn_trained", "non_sworn_trained")

    sworn_trained = staff_count_field("Sworn officers trained", required=True, minimum=0)
    non_sworn_trained = staff_count_field(
        "Non-sworn staff trained (optional)",
        required=False,
        minimum=0,
        help_text="Dispatchers and other staff. Encouraged; not counted toward the target.",
    )

    def __init__(self, *args, progress, sworn_officers, **kwargs):
        super().__init__(*args, progress=progress, **kwargs)
        self.sworn_officers = sworn_officers
        field = self.fields["sworn_trained"]
        field.help_text = f"How many of the agency’s {sworn_officers:,} sworn officers have completed the course."
        if rules.training_target(self.practice).counts_cit_trained:
            # CIT-trained officers already count toward this target: counting them twice would overstate it.
            field.label = "Sworn officers trained in MHFA, not counting those trained in CIT"
            field.help_text += " Officers trained in CIT are counted from the CIT report; do not count them again."
        field.error_messages["required"] = "Enter the number of sworn officers trained (0 if none yet)."

    def clean_sworn_trained(self):
        trained = self.cleaned_data["sworn_trained"]
        # More trained officers than the agency has cannot be right: say so rather than cap it silently.
        if trained is not None and trained > self.sworn_officers:
            raise ValidationError(
                "This is more than the agency’s %(sworn)s sworn officers. Correct the number, or write to us "
                "if the agency has grown and we will update its count.",
                code="more_than_sworn",
                params={"sworn": f"{self.sworn_officers:,}"},
            )
        return trained


class MHFAReportForm(TrainingReportForm):
    practice = Practice.MHFA


class CITReportForm(TrainingReportForm):
    practice = Practice.CIT


REPORT_FORMS = {
    Practice.PARTNERSHIP: PartnershipReportForm,
    Practice.POLICY: PolicyReportForm,
    Practice.MHFA: MHFAReportForm,
    Practice.CIT: CITReportForm,
}


class WithdrawForm(USWDSFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the agency withdrawing?",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Our reviewers read this; it is not published.",
        error_messages={"required": "Give a reason. It is recorded with the withdrawal."},
    )
    confirm = forms.BooleanField(
        label="I understand that this ends our pledge and removes the agency from the public roster",
        error_messages={"required": "Tick the box to confirm that the agency is withdrawing its pledge."},
    )

    prefix = "withdraw"
