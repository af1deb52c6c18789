from django.db import models

from clearinghouse.text import clean_multi_line, clean_single_line


class TimeStampedModel(models.Model):
    """Every model records when it was created and last changed (STYLE.md, convention 4).

    Its full_clean() also removes control characters from every text field (clearinghouse.text),
    so the admin, the services and the CSV import store clean text however it was typed.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        remove_control_characters(self, exclude)
        super().clean_fields(exclude=exclude)


def remove_control_characters(instance, exclude=None):
    """Clean the text fields of `instance` in place: TextFields keep line breaks, other text fields become one line."""
    for field in instance._meta.concrete_fields:
        if exclude and field.name in exclude:
            continue
        if isinstance(field, models.TextField):
            clean = clean_multi_line
        elif isinstance(field, models.CharField):
            clean = clean_single_line
        else:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            setattr(instance, field.attname, clean(value))


class ContentVersion(models.Model):
    """A counter per kind of public content ("catalog", "pledges"), raised after every committed change.

    Cached pages and fragments are keyed by these numbers (clearinghouse/content_versions.py), so one
    UPDATE here makes every app process stop serving what was cached before the change.
    """

    name = models.CharField(max_length=40, primary_key=True)
    version = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "content version"

    def __str__(self):
        return f"{self.name} v{self.version}"
