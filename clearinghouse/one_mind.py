"""The One Mind Campaign's four practices: shared vocabulary of the catalog and the pledge.

Resources are tagged with the practices they help an agency meet; pledges track
progress on the same four. Kept here so neither app imports the other for it.
"""

from django.db import models


class Practice(models.TextChoices):
    PARTNERSHIP = "partnership", "Community mental health partnership"
    POLICY = "policy", "Model policy"
    MHFA = "mhfa", "Mental Health First Aid training"
    CIT = "cit", "Crisis Intervention Team (CIT) training"


PRACTICE_DESCRIPTIONS = {
    Practice.PARTNERSHIP: (
        "Establish a clearly defined and sustainable partnership with one or more "
        "community mental health organizations."
    ),
    Practice.POLICY: (
        "Develop and implement a model policy addressing police response to persons affected by mental illness."
    ),
    Practice.MHFA: (
        "Train and certify sworn officers, and selected non-sworn staff such as dispatchers, "
        "in Mental Health First Aid for Public Safety or an equivalent course."
    ),
    Practice.CIT: (
        "Provide Crisis Intervention Team (CIT) training, or CRIT or an equivalent "
        "crisis-intervention programme, to at least 20% of sworn officers."
    ),
}
