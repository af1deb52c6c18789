"""USWDS form rendering, in one place.

Every Django form in the portal renders through `USWDSFormRenderer`: one field
template (templates/forms/field.html) produces the USWDS form group, label,
hint, `role="alert"` error message and `aria-describedby`. Widgets get their
USWDS classes here rather than in each form.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.http import QueryDict
from django.utils import translation

from clearinghouse.text import clean_multi_line, clean_single_line

WIDGET_CLASSES = {
    forms.CheckboxInput: "usa-checkbox__input",
    forms.RadioSelect: "usa-radio__input",
    forms.CheckboxSelectMultiple: "usa-checkbox__input",
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.Textarea: "usa-textarea",
    forms.ClearableFileInput: "usa-file-input",
    forms.FileInput: "usa-file-input",
}


def uswds_widget_class(widget):
    for widget_type in type(widget).__mro__:
        if widget_type in WIDGET_CLASSES:
            return WIDGET_CLASSES[widget_type]
    return "usa-input"


ERROR_CLASS = "usa-input--error"


class USWDSFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class USWDSBoundField(BoundField):
    """Marks an invalid field when it is rendered, so the markup always matches the form's current errors.

    Django 5.2 already adds `aria-invalid` and ties the hint and the error to the input (or, for a radio or
    checkbox group, to its fieldset) with `aria-describedby`; this adds the USWDS error class and reads the
    error before the hint.
    """

    @property
    def aria_describedby(self):
        if self.field.widget.attrs.get("aria-describedby"):
            return None  # The form set its own; keep it.
        references = []
        if self.auto_id and not self.is_hidden:
            if self.errors:
                references.append(f"{self.auto_id}_error")
            if self.help_text:
                references.append(f"{self.auto_id}_helptext")
        return " ".join(references)

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and not widget.is_hidden:
            classes = (attrs.get("class") or widget.attrs.get("class", "")).split()
            if ERROR_CLASS not in classes:
                classes.append(ERROR_CLASS)
            attrs["class"] = " ".join(classes)
        return attrs


class PlainTextFormMixin:
    """Remove control characters from everything submitted, before any field sees it (clearinghouse.text).

    Fields with a Textarea keep their tabs and line breaks; every other value becomes one line.
    Non-text fields are cleaned too: a stray control character in a number, a date or a choice
    then reads as what the person meant, or fails that field's own validation; it never reaches
    a query (PostgreSQL refuses NUL). Uploaded files (`self.files`) are left alone.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self._without_control_characters(self.data)

    def _without_control_characters(self, data):
        multi_line_keys = {
            self.add_prefix(name) for name, field in self.fields.items() if isinstance(field.widget, forms.Textarea)
        }

        def clean(key, value):
            return clean_multi_line(value) if key in multi_line_keys else clean_single_line(value)

        if isinstance(data, QueryDict):
            cleaned = QueryDict(mutable=True, encoding=data.encoding)
            for key, values in data.lists():
                cleaned.setlist(clean_single_line(key), [clean(key, value) for value in values])
            cleaned._mutable = False
            return cleaned
        cleaned = {}
        for key, value in data.items():
            if isinstance(value, list | tuple):
                cleaned[key] = [clean(key, item) for item in value]
            else:
                cleaned[key] = clean(key, value)
        return cleaned


def honeypot_field():
    """The field of HoneypotFormMixin, declared on each form as `homepage = honeypot_field()`.

    (A plain mixin's fields are not collected by Django's form metaclass, hence the function.)
    """
    return forms.CharField(label="Leave this field empty", required=False, max_length=500)


class HoneypotFormMixin:
    """A public form's trap for bots: a `homepage` field people never see and bots fill in.

    The template renders it with `{% include "includes/honeypot.html" %}`, hidden by CSS and from
    screen readers, out of the tab order. The view checks `form.is_spam` before validating the form and
    answers as if the form had been sent, saving nothing.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["homepage"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_spam(self):
        """True when the hidden field was filled in: a bot, since people cannot see it."""
        return bool((self.data.get("homepage") or "").strip()) if self.is_bound else False


class USWDSFormMixin(PlainTextFormMixin):
    """Give every widget its USWDS class; invalid fields are marked for assistive technology when rendered.

    Every form with this mixin also cleans control characters out of what was submitted (PlainTextFormMixin).
    """

    bound_field_class = USWDSBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            uswds_class = uswds_widget_class(field.widget)
            if uswds_class not in css.split():
                field.widget.attrs["class"] = f"{css} {uswds_class}".strip()


class MemoizedSelect(forms.Select):
    """A select rendered once per distinct name, value, attributes, choices and language, then reused.

    Its markup is a pure function of those, and a long list (a state or country list of 56
    options, on every page of a filtered list) costs far more to render through the option
    templates than to look up. Kept per process, a few hundred entries at most.
    """

    rendered = {}
    max_rendered = 512

    def render(self, name, value, attrs=None, renderer=None):
        try:
            key = (
                type(self),
                self.template_name,
                name,
                tuple(self.format_value(value)),
                tuple(sorted(self.build_attrs(self.attrs, attrs).items())),
                tuple(self.choices),
                type(renderer),
                translation.get_language(),
            )
            html = self.rendered.get(key)
        except TypeError:  # Something unhashable (grouped choices, a list attribute): render as usual.
            return super().render(name, value, attrs, renderer)
        if html is None:
            if len(self.rendered) >= self.max_rendered:
                self.rendered.clear()
            html = self.rendered[key] = super().render(name, value, attrs, renderer)
        return html
