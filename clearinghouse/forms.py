"""USWDS form rendering, in one place.

Every Django form in the portal renders through `USWDSFormRenderer`: one field
template (templates/forms/field.html) produces the USWDS form group, label,
hint, `role="alert"` error message and `aria-describedby`. Widgets get their
USWDS classes here rather than in each form.
"""

from django import forms
from django.forms.renderers import TemplatesSetting

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


class USWDSFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class USWDSFormMixin:
    """Give every widget its USWDS class and mark invalid fields for assistive technology."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            uswds_class = uswds_widget_class(field.widget)
            if uswds_class not in css.split():
                field.widget.attrs["class"] = f"{css} {uswds_class}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound_field = self[name]
            widget = self.fields[name].widget
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} usa-input--error".strip()
            described_by = [f"{bound_field.auto_id}_error"]
            if self.fields[name].help_text:
                described_by.append(f"{bound_field.auto_id}_helptext")
            widget.attrs["aria-describedby"] = " ".join(described_by)
