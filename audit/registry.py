"""Which models the audit trail records, and which of their fields it leaves out.

Recorded: every staff-edited model of the catalog (resources and their vocabularies, search
synonyms), of the pledges (agencies, pledges, practice progress) and the staff accounts
(users and groups), with the many-to-many links staff change (a resource's topics and
audiences, a user's groups and permissions, a group's permissions). A resource's One Mind
practices are rows of their own (ResourcePractice): resources.services.resource_set_practices
records them on the resource.

Left out, so they neither flood the trail nor leak: timestamps every save touches; fields the
portal derives (search vectors and tags, the file size, an agency's roster entry and search
text, which services and database triggers rewrite in bulk); secrets (the nonces signed links
carry; a password is recorded as changed, never its hash); a user's last login (every sign-in
would add an entry). Records that are themselves history (PledgeTransition, DeadlineExtension,
ProgressReport) are not recorded again.
"""

from auditlog.registry import auditlog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

# Changed by every save: their values say nothing an entry's own timestamp does not.
TIMESTAMP_FIELDS = ("created_at", "updated_at")
HIDDEN_VALUE = "(hidden)"


def hide_value(value):
    """auditlog's mask callable for passwords: that it changed is recorded, never the hash."""
    return HIDDEN_VALUE


def audited_models():
    """{model: auditlog registration options}, for every model the trail records."""
    from pledges.models import Agency, Pledge, PracticeProgress
    from pledges.models.agency import ROSTER_FIELDS
    from resources.models import Audience, Resource, ResourceKind, SearchSynonym, Topic

    vocabulary = {"exclude_fields": list(TIMESTAMP_FIELDS)}
    return {
        Resource: {
            "exclude_fields": [*TIMESTAMP_FIELDS, "search_tags", "search_vector", "search_head", "file_size"],
            "m2m_fields": {"topics", "audiences"},
        },
        ResourceKind: vocabulary,
        Topic: vocabulary,
        Audience: vocabulary,
        SearchSynonym: vocabulary,
        Agency: {"exclude_fields": [*TIMESTAMP_FIELDS, *ROSTER_FIELDS, "search_text"]},
        Pledge: {
            "exclude_fields": [*TIMESTAMP_FIELDS, "verification_nonce", "progress_link_nonce", "attestation_text"]
        },
        PracticeProgress: {"exclude_fields": list(TIMESTAMP_FIELDS)},
        get_user_model(): {
            "exclude_fields": ["last_login"],
            "mask_fields": ["password"],
            "mask_callable": "audit.registry.hide_value",
            "m2m_fields": {"groups", "user_permissions"},
        },
        Group: {"m2m_fields": {"permissions"}},
    }


def reverse_relations(model):
    """Other models' links to this one (a resource's `supersedes`): auditlog would record them on
    creation as if they were fields (jazzband/django-auditlog#551); they are the other rows' changes."""
    return [field.name for field in model._meta.get_fields() if field.auto_created and not field.concrete]


def register_audited_models():
    for model, options in audited_models().items():
        if not auditlog.contains(model):
            options = {**options, "exclude_fields": [*options.get("exclude_fields", ()), *reverse_relations(model)]}
            auditlog.register(model, **options)


def is_audited(model):
    return auditlog.contains(model._meta.concrete_model)


def excluded_fields(model):
    """Fields of an audited model whose changes the trail does not record."""
    return set(auditlog.get_model_fields(model._meta.concrete_model)["exclude_fields"])
