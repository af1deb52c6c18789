"""USWDS form rendering, in one place.

Every Django form in the portal renders through `USWDSFormRenderer`: one field
template (templates/forms/field.html) produces the USWDS form group, label,
hint, `role="alert"` error message and `aria-describedby`. Widgets get their
USWDS classes here rather than in each form.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils import translation

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


class USWDSFormMixin:
    """Give every widget its USWDS class; invalid fields are marked for assistive technology when rendered."""

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
