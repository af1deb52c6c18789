"""Who may see what in the pledge admin, beyond Django's model permissions.

Contact details (names, email addresses and phone numbers of people at the agency)
are personal data: only staff with `pledges.view_pledge_contact` (the "Pledge
reviewers" group, and superusers) see them anywhere in the admin or in exports.
"""

from pledges.constants import PERMISSION_EXPORT, PERMISSION_VIEW_CONTACT

VIEW_CONTACT_PERMISSION = f"pledges.{PERMISSION_VIEW_CONTACT}"
EXPORT_PERMISSION = f"pledges.{PERMISSION_EXPORT}"

# Pledge fields holding the agency contact's personal details.
CONTACT_FIELDS = ("contact_name", "contact_title", "contact_email", "contact_phone")


def can_view_contact(user):
    return user.has_perm(VIEW_CONTACT_PERMISSION)


def can_export(user):
    return user.has_perm(EXPORT_PERMISSION)
