"""The One Mind pledge in the staff admin (STYLE.md convention 5).

- review_queue: "Pledges awaiting review", oldest first, with approve and reject.
- pledge: every pledge; the change page shows the agency, contact (for staff allowed
  to see it), practices, status history, deadline extensions and reports, with the
  workflow buttons (workflow.py) that call pledges.services.
- agency: the agencies' facts, editable by reviewers.

Who sees what: the "Pledge reviewers" group (pledges migration 0002) has the pledge
permissions, contact details and export; Curators have nothing here, so Django
refuses them every page (403) and hides the app from their admin index.
"""

from pledges.admin import agency, pledge, review_queue

__all__ = ["agency", "pledge", "review_queue"]
