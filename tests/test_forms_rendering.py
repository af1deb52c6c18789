"""The USWDS form renderer (clearinghouse/forms.py, templates/forms/): what assistive technology is told.

A small test-only form is rendered through the project's FORM_RENDERER and the HTML is
parsed (html.parser), so the assertions follow ids and aria attributes the way a
screen reader does, not the way the markup happens to be spelled.
"""

from html.parser import HTMLParser

from django import forms

from clearinghouse.forms import MemoizedSelect, USWDSFormMixin, USWDSFormRenderer
from clearinghouse.one_mind import Practice


class AgencyContactForm(USWDSFormMixin, forms.Form):
    agency_name = forms.CharField(max_length=40, help_text="The full name, e.g. “Springfield Police Department”.")
    contact_email = forms.EmailField()
    sworn_officers = forms.IntegerField(min_value=1)
    first_practice = forms.ChoiceField(
        choices=Practice.choices, widget=forms.RadioSelect, help_text="The practice your agency will start with."
    )
    topics = forms.MultipleChoiceField(
        choices=[("cit", "Crisis intervention teams"), ("mhfa", "Mental Health First Aid"), ("policy", "Policy")],
        widget=forms.CheckboxSelectMultiple,
    )
    agrees_to_be_listed = forms.BooleanField(help_text="Listed agencies appear on the public roster.")
    reference = forms.CharField(widget=forms.HiddenInput)


VALID_DATA = {
    "agency_name": "Springfield Police Department",
    "contact_email": "chief@springfield.example.org",
    "sworn_officers": "120",
    "first_practice": Practice.values[0],
    "topics": ["cit", "policy"],
    "agrees_to_be_listed": "on",
    "reference": "abc",
}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = {name: value if value is not None else "" for name, value in attrs}
        self.parent = parent
        self.children = []
        self.text_parts = []

    @property
    def text(self):
        return " ".join("".join(self.text_parts).split())

    @property
    def classes(self):
        return self.attrs.get("class", "").split()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class DocumentParser(HTMLParser):
    VOID_TAGS = {"input", "br", "hr", "img", "meta", "link"}

    def __init__(self):
        super().__init__()
        self.root = Element("root", [], None)
        self.current = self.root
        self.elements = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        self.elements.append(element)
        if tag not in self.VOID_TAGS:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        node = self.current
        while node is not None:
            node.text_parts.append(data)
            node = node.parent


class RenderedForm:
    def __init__(self, form):
        parser = DocumentParser()
        parser.feed(str(form))
        parser.close()
        self.elements = parser.elements

    def by_id(self, element_id):
        matches = [element for element in self.elements if element.attrs.get("id") == element_id]
        assert len(matches) == 1, f"expected one element with id={element_id!r}, found {len(matches)}"
        return matches[0]

    def all(self, tag, **attrs):
        return [
            element
            for element in self.elements
            if element.tag == tag and all(element.attrs.get(name) == value for name, value in attrs.items())
        ]

    def label_for(self, element_id):
        labels = self.all("label", **{"for": element_id})
        assert len(labels) == 1, f"expected one <label for={element_id!r}>, found {len(labels)}"
        return labels[0]

    def described_by(self, element):
        return [self.by_id(reference) for reference in element.attrs.get("aria-describedby", "").split()]


def render(form):
    return RenderedForm(form)


def test_the_project_renders_forms_with_the_uswds_renderer():
    assert isinstance(AgencyContactForm().renderer, USWDSFormRenderer)


def test_each_text_input_has_a_label_tied_to_its_id():
    page = render(AgencyContactForm())

    for name, label in [("agency_name", "Agency name"), ("contact_email", "Contact email")]:
        field_input = page.by_id(f"id_{name}")
        assert field_input.tag == "input"
        assert "usa-input" in field_input.classes
        assert page.label_for(f"id_{name}").text.startswith(label)
        assert "usa-label" in page.label_for(f"id_{name}").classes


def test_hint_is_announced_with_its_input():
    page = render(AgencyContactForm())

    agency_name = page.by_id("id_agency_name")
    hint = page.by_id("id_agency_name_helptext")
    assert "usa-hint" in hint.classes
    assert hint.text == "The full name, e.g. “Springfield Police Department”."
    assert page.described_by(agency_name) == [hint]


def test_unbound_form_shows_no_errors():
    page = render(AgencyContactForm())

    assert not [element for element in page.elements if "usa-error-message" in element.classes]
    assert not [element for element in page.elements if "aria-invalid" in element.attrs]


def test_error_is_an_alert_tied_to_the_invalid_input_together_with_the_hint():
    form = AgencyContactForm({**VALID_DATA, "agency_name": "A" * 41})
    assert not form.is_valid()
    page = render(form)

    agency_name = page.by_id("id_agency_name")
    error = page.by_id("id_agency_name_error")
    assert error.attrs["role"] == "alert"
    assert "usa-error-message" in error.classes
    assert error.text == "Ensure this value has at most 40 characters (it has 41)."
    assert agency_name.attrs["aria-invalid"] == "true"
    assert "usa-input--error" in agency_name.classes
    assert page.described_by(agency_name) == [error, page.by_id("id_agency_name_helptext")]
    form_group = next(ancestor for ancestor in agency_name.ancestors() if "usa-form-group" in ancestor.classes)
    assert "usa-form-group--error" in form_group.classes


def test_field_without_a_hint_points_only_at_its_error():
    form = AgencyContactForm({**VALID_DATA, "contact_email": "not an address"})
    assert not form.is_valid()
    page = render(form)

    contact_email = page.by_id("id_contact_email")
    assert page.described_by(contact_email) == [page.by_id("id_contact_email_error")]
    assert page.by_id("id_contact_email_error").text == "Enter a valid email address."
    # The other fields were valid: nothing marks them invalid.
    assert "aria-invalid" not in page.by_id("id_agency_name").attrs


def test_what_was_typed_is_kept_after_a_failed_validation():
    form = AgencyContactForm({**VALID_DATA, "sworn_officers": "0"})
    assert not form.is_valid()
    page = render(form)

    assert page.by_id("id_agency_name").attrs["value"] == "Springfield Police Department"
    assert page.by_id("id_contact_email").attrs["value"] == "chief@springfield.example.org"
    assert page.by_id("id_sworn_officers").attrs["value"] == "0"
    checked_practices = [
        radio.attrs["value"] for radio in page.all("input", name="first_practice") if "checked" in radio.attrs
    ]
    assert checked_practices == [Practice.values[0]]
    checked_topics = [box.attrs["value"] for box in page.all("input", name="topics") if "checked" in box.attrs]
    assert checked_topics == ["cit", "policy"]
    assert "checked" in page.by_id("id_agrees_to_be_listed").attrs


def test_radio_and_checkbox_groups_are_fieldsets_named_by_their_legend():
    page = render(AgencyContactForm())

    for name, legend_text, option_class in [
        ("first_practice", "First practice", "usa-radio__input"),
        ("topics", "Topics", "usa-checkbox__input"),
    ]:
        options = page.all("input", name=name)
        assert options, f"no inputs for {name}"
        fieldsets = {next(a for a in option.ancestors() if a.tag == "fieldset") for option in options}
        assert len(fieldsets) == 1, f"the {name} options are not in one fieldset"
        fieldset = fieldsets.pop()
        legends = [child for child in fieldset.children if child.tag == "legend"]
        assert len(legends) == 1
        assert legends[0].text.startswith(legend_text)
        for option in options:
            assert option_class in option.classes
            assert page.label_for(option.attrs["id"]).text


def test_group_hint_and_error_describe_the_fieldset_and_every_option_is_marked_invalid():
    form = AgencyContactForm({**VALID_DATA, "first_practice": "", "topics": []})
    assert not form.is_valid()
    page = render(form)

    for name, has_hint in [("first_practice", True), ("topics", False)]:
        error = page.by_id(f"id_{name}_error")
        assert error.attrs["role"] == "alert"
        assert error.text == "This field is required."
        fieldset = next(a for a in error.ancestors() if a.tag == "fieldset")
        expected = [error, page.by_id(f"id_{name}_helptext")] if has_hint else [error]
        assert page.described_by(fieldset) == expected
        for option in page.all("input", name=name):
            assert option.attrs["aria-invalid"] == "true"
            assert "usa-input--error" in option.classes
            assert next(a for a in option.ancestors() if a.tag == "fieldset") is fieldset


def test_group_hint_describes_the_fieldset_before_any_error():
    page = render(AgencyContactForm())

    fieldset = next(a for a in page.by_id("id_first_practice_0").ancestors() if a.tag == "fieldset")
    assert page.described_by(fieldset) == [page.by_id("id_first_practice_helptext")]


def test_single_checkbox_has_its_label_hint_and_error():
    form = AgencyContactForm({key: value for key, value in VALID_DATA.items() if key != "agrees_to_be_listed"})
    assert not form.is_valid()
    page = render(form)

    checkbox = page.by_id("id_agrees_to_be_listed")
    assert checkbox.attrs["type"] == "checkbox"
    assert "usa-checkbox__input" in checkbox.classes
    assert page.label_for("id_agrees_to_be_listed").text.startswith("Agrees to be listed")
    assert page.described_by(checkbox) == [
        page.by_id("id_agrees_to_be_listed_error"),
        page.by_id("id_agrees_to_be_listed_helptext"),
    ]
    assert page.by_id("id_agrees_to_be_listed_error").attrs["role"] == "alert"


def test_errors_on_hidden_fields_and_the_whole_form_are_shown_at_the_top():
    class ConfirmationForm(AgencyContactForm):
        def clean(self):
            super().clean()
            raise forms.ValidationError("This agency has already taken the pledge.")

    form = ConfirmationForm({**VALID_DATA, "reference": ""})
    assert not form.is_valid()
    page = render(form)

    alerts = [element for element in page.elements if "usa-alert--error" in element.classes]
    assert len(alerts) == 1
    assert alerts[0].attrs["role"] == "alert"
    assert "This agency has already taken the pledge." in alerts[0].text
    # A hidden field cannot show its own error, so it must not fail silently.
    assert "(Hidden field reference) This field is required." in alerts[0].text


def test_invalid_marks_follow_the_current_errors_when_a_form_is_validated_again():
    form = AgencyContactForm({**VALID_DATA, "agency_name": ""})
    assert not form.is_valid()
    form.full_clean()
    twice = render(form).by_id("id_agency_name")
    assert twice.classes.count("usa-input--error") == 1

    form.data = {**VALID_DATA}
    form.full_clean()
    corrected = render(form).by_id("id_agency_name")
    assert "usa-input--error" not in corrected.classes
    assert "aria-invalid" not in corrected.attrs
    assert [element.attrs["id"] for element in render(form).described_by(corrected)] == ["id_agency_name_helptext"]


# --- MemoizedSelect: the same markup as a select, rendered once per distinct input --------------------------------


class StateForm(USWDSFormMixin, forms.Form):
    state = forms.ChoiceField(choices=[("", "Any state"), ("IL", "Illinois"), ("MA", "Massachusetts")], required=False)


class MemoizedStateForm(USWDSFormMixin, forms.Form):
    state = forms.ChoiceField(
        choices=[("", "Any state"), ("IL", "Illinois"), ("MA", "Massachusetts")],
        required=False,
        widget=MemoizedSelect,
    )


def test_a_memoized_select_renders_what_a_select_renders_for_each_value_and_error():
    for data in (None, {"state": "IL"}, {"state": "MA"}, {"state": "ZZ"}, {"state": "IL"}, None):
        plain, memoized = StateForm(data), MemoizedStateForm(data)
        for form in (plain, memoized):
            form.is_valid()
        assert str(memoized["state"]) == str(plain["state"]), data


def test_a_memoized_select_follows_its_choices():
    form = MemoizedStateForm({"state": "IL"})
    before = str(form["state"])
    form.fields["state"].choices = [("", "Any state"), ("IL", "Illinois"), ("TX", "Texas")]

    after = str(form["state"])

    assert "Massachusetts" in before
    assert "Texas" in after
    assert "Massachusetts" not in after
    assert '<option value="IL" selected>Illinois</option>' in after
