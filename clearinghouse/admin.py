"""The one base ModelAdmin every admin in the portal extends (STYLE.md, convention 5).

It fixes the defaults that keep big changelists fast and readable, and a system
check insists that every searchable changelist tells staff what the search box
looks in.
"""

from django.contrib import admin, messages
from django.core import checks
from django.db import models
from django.utils.text import capfirst


class ClearinghouseModelAdmin(admin.ModelAdmin):
    """Portal-wide admin defaults: paging, no full COUNT(*) on big tables, save buttons on top."""

    list_per_page = 50
    # A full COUNT(*) on every filtered changelist is slow on big tables; staff rarely need it.
    show_full_result_count = False
    # Resource and pledge forms are long: saving should not need a scroll to the bottom.
    save_on_top = True
    empty_value_display = "—"

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.search_fields and not self.search_help_text:
            errors.append(
                checks.Error(
                    "A searchable changelist needs search_help_text saying which fields the search looks in.",
                    obj=self.__class__,
                    id="clearinghouse.E001",
                )
            )
        return errors

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A scheme-less address typed by staff ("theiacp.org/...") means https, as Django 6 will assume.
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def message_user_count(self, request, count, verb, *, unchanged=0, unchanged_reason=""):
        """Tell staff how many objects an action changed, e.g. “3 resources published.”

        `unchanged` objects (already in the requested state) are reported too, so an
        action that did nothing never looks as if it failed silently.
        """
        opts = self.model._meta
        noun = opts.verbose_name if count == 1 else opts.verbose_name_plural
        text = f"{count} {noun} {verb}."
        if unchanged:
            unchanged_noun = opts.verbose_name if unchanged == 1 else opts.verbose_name_plural
            text += f" {unchanged} {unchanged_noun} {unchanged_reason}."
        level = messages.SUCCESS if count else messages.WARNING
        self.message_user(request, capfirst(text), level)
