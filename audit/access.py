"""Who may read which entries of the audit trail, and what of them.

A staff user reads the entries of the models they may view in the admin, and nothing
else: Curators the catalog's, Pledge reviewers the pledges', superusers everything (the
groups' permissions come from the data migrations of resources and pledges). Pledge
contact details (pledges.admin.access.CONTACT_FIELDS) appear in entries only for staff
with `pledges.view_pledge_contact`; others see that the field changed, not its values,
and cannot search or filter on them.
"""

from django.contrib.contenttypes.models import ContentType

from audit.registry import HIDDEN_VALUE, audited_models


def can_view_model(user, model):
    opts = model._meta
    return (
        user.is_active
        and user.is_staff
        and (
            user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
            or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        )
    )


def visible_models(user):
    """The audited models whose entries `user` may read, in a stable order."""
    return [model for model in audited_models() if can_view_model(user, model)]


def visible_content_types(user):
    """{content type id: model} for the audited models `user` may read (content types are cached)."""
    types = ContentType.objects.get_for_models(*visible_models(user))
    return {content_type.pk: model for model, content_type in types.items()}


def hidden_fields(user):
    """{model: field names whose values `user` may not see in entries}."""
    from pledges.admin.access import CONTACT_FIELDS, can_view_contact
    from pledges.models import Pledge

    return {} if can_view_contact(user) else {Pledge: set(CONTACT_FIELDS)}


def masked_changes(model, changes, hidden):
    """`changes` of an entry about `model` with the values of hidden fields replaced."""
    fields = hidden.get(model, ())
    if not fields:
        return changes
    return {
        name: ([HIDDEN_VALUE, HIDDEN_VALUE] if name in fields else values) for name, values in (changes or {}).items()
    }
