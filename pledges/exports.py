"""The staff CSV export of pledges: one row per pledge, its agency, dates, and each practice's state.

Contact details (the chief executive and the agency contact) are columns only when
the caller says the user may see them (`include_contact`, from the admin's
`pledges.view_pledge_contact` check), so a file without them never has the columns
at all. Cells a spreadsheet would read as a formula are defused (`safe_cell`).

The queryset is read in chunks with its practices prefetched: a fixed number of
queries per 500 pledges, whatever the size of the export.
"""

import csv
import datetime

from django.db.models import Prefetch
from django.utils import timezone

from clearinghouse.one_mind import Practice
from pledges.models import PracticeProgress

# Cells starting with these are formulas to Excel, LibreOffice and Google Sheets
# (tab and carriage return too, as OWASP advises): prefixed with an apostrophe.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

CHUNK_SIZE = 500

PRACTICE_SHORT_NAMES = {
    Practice.PARTNERSHIP: "Partnership",
    Practice.POLICY: "Policy",
    Practice.MHFA: "MHFA",
    Practice.CIT: "CIT",
}


def safe_cell(value):
    """The value as CSV text, with a leading ' if a spreadsheet would take it for a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date().isoformat() if timezone.is_aware(value) else value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _agency_columns():
    return [
        ("Agency", lambda pledge: pledge.agency.name),
        ("Agency type", lambda pledge: pledge.agency.get_agency_type_display()),
        ("City", lambda pledge: pledge.agency.city),
        ("State or region", lambda pledge: pledge.agency.state_name),
        ("Country", lambda pledge: pledge.agency.country_name),
        ("ORI", lambda pledge: pledge.agency.ori),
        ("Sworn officers", lambda pledge: pledge.agency.sworn_officers),
        ("Non-sworn staff", lambda pledge: pledge.agency.non_sworn_staff),
        ("Website", lambda pledge: pledge.agency.website),
    ]


def _pledge_columns():
    return [
        ("Pledge ID", lambda pledge: pledge.pk),
        ("Status", lambda pledge: pledge.get_status_display()),
        ("Months to implement", lambda pledge: pledge.target_months),
        ("Submitted", lambda pledge: pledge.submitted_at),
        ("Email verified", lambda pledge: pledge.email_verified_at),
        ("Approved", lambda pledge: pledge.approved_at),
        ("Deadline", lambda pledge: pledge.deadline),
        ("Completed", lambda pledge: pledge.completed_at),
        ("Practices verified", lambda pledge: f"{pledge.verified_practice_count}/{len(Practice.values)}"),
        ("Demo", lambda pledge: pledge.is_demo),
    ]


def _contact_columns():
    return [
        ("Chief executive", lambda pledge: pledge.chief_executive_name),
        ("Chief executive title", lambda pledge: pledge.chief_executive_title),
        ("Contact name", lambda pledge: pledge.contact_name),
        ("Contact title", lambda pledge: pledge.contact_title),
        ("Contact email", lambda pledge: pledge.contact_email),
        ("Contact phone", lambda pledge: pledge.contact_phone),
    ]


def _practice(pledge, practice):
    return pledge.progress_for(practice)


def _practice_columns():
    columns = []
    for practice in Practice:
        short = PRACTICE_SHORT_NAMES[practice]

        def value(name, practice=practice):
            return lambda pledge: getattr(_practice(pledge, practice), name)

        if practice == Practice.PARTNERSHIP:
            columns += [
                (
                    f"{short}: partner organizations",
                    lambda pledge: "; ".join(_practice(pledge, Practice.PARTNERSHIP).partner_list()),
                ),
                (f"{short}: agreement date", value("agreement_date")),
                (
                    f"{short}: agreement document",
                    lambda pledge: bool(_practice(pledge, Practice.PARTNERSHIP).agreement_document),
                ),
            ]
        elif practice == Practice.POLICY:
            columns += [
                (f"{short}: adopted on", value("policy_adopted_on")),
                (
                    f"{short}: catalog model policy",
                    lambda pledge: getattr(_practice(pledge, Practice.POLICY).policy_resource, "title", ""),
                ),
                (f"{short}: policy document", lambda pledge: bool(_practice(pledge, Practice.POLICY).policy_document)),
            ]
        else:
            columns += [
                (f"{short}: sworn officers trained", value("sworn_trained")),
                (f"{short}: non-sworn staff trained", value("non_sworn_trained")),
                (f"{short}: % of sworn officers counted", value("percent_trained")),
            ]
        columns += [
            (f"{short}: met", value("is_met")),
            (f"{short}: last reported", value("last_reported_at")),
            (f"{short}: verified on", value("verified_at")),
        ]
    return columns


def pledge_export_columns(*, include_contact):
    """[(header, function of a pledge)] in file order; contact columns only when `include_contact`."""
    columns = _agency_columns() + _pledge_columns()
    if include_contact:
        columns += _contact_columns()
    return columns + _practice_columns()


def export_queryset(pledges):
    """`pledges` with what the columns read: the agency, and the practices with their catalog policy."""
    practices = PracticeProgress.objects.select_related("policy_resource").order_by("pk")
    return pledges.select_related("agency").prefetch_related(Prefetch("practices", queryset=practices))


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def pledge_csv_lines(pledges, *, include_contact):
    """The CSV file as an iterator of lines: a byte-order mark and header, then one line per pledge.

    The byte-order mark lets Excel read the file as UTF-8 (agency names have accents and curly quotes).
    """
    columns = pledge_export_columns(include_contact=include_contact)
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([header for header, _value in columns])
    for pledge in export_queryset(pledges).iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow([safe_cell(value(pledge)) for _header, value in columns])


def write_pledges_csv(file, pledges, *, include_contact):
    """Write the export of `pledges` to an open text file. Returns how many pledges were written."""
    count = -1
    for count, line in enumerate(pledge_csv_lines(pledges, include_contact=include_contact)):  # noqa: B007
        file.write(line)
    return count
