"""Benchmark agencies and their One Mind pledges, as the workflow would have left them.

`PledgeGenerator.generate(count)` returns a `GeneratedPledges`: unsaved Agency, Pledge,
PracticeProgress, ProgressReport, PledgeTransition and DeadlineExtension instances with
their ids chosen, for benchmarks.load to write in bulk. The rules the services enforce hold:
names unique per state and country (case-insensitively), ORIs unique, at most one open pledge
per agency and none after a completed one, deadlines = approval + months, completed pledges
with all four practices met and verified, reports within the agency's numbers, a transition
for every status change (pledges/models/pledge.py PLEDGE_TRANSITIONS).

Shares of agencies by their latest pledge: about half in progress (approved), 15% completed,
9% lapsed, the rest submitted, awaiting review, withdrawn or rejected; one in twenty pledged
before (a lapsed, withdrawn or rejected earlier pledge). Agencies are spread over the states
by population, with a few outside the United States; sizes follow the long tail of US
agencies (half have fewer than 20 sworn officers, a few have thousands).
"""

import base64
import datetime
import functools
import math
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from benchmarks.vocabulary import ORGANIZATIONS, TextGenerator
from clearinghouse.one_mind import Practice
from pledges.constants import ACTOR_CONTACT, ACTOR_SYSTEM, TARGET_MONTHS_MAX, TARGET_MONTHS_MIN, US_STATE_NAMES
from pledges.models import (
    Agency,
    DeadlineExtension,
    Pledge,
    PledgeTransition,
    PracticeProgress,
    ProgressReport,
)

PRACTICES = tuple(Practice.values)  # read once: the enum property rebuilds the list on each access
CAMPAIGN_LAUNCH = datetime.datetime(2016, 10, 15, 12, tzinfo=datetime.UTC)

# Residents in millions (2020 census), for spreading agencies over the states.
STATE_POPULATION = {
    "CA": 39.5, "TX": 29.1, "FL": 21.5, "NY": 20.2, "PA": 13.0, "IL": 12.8, "OH": 11.8, "GA": 10.7,
    "NC": 10.4, "MI": 10.1, "NJ": 9.3, "VA": 8.6, "WA": 7.7, "AZ": 7.2, "MA": 7.0, "TN": 6.9, "IN": 6.8,
    "MD": 6.2, "MO": 6.2, "WI": 5.9, "CO": 5.8, "MN": 5.7, "SC": 5.1, "AL": 5.0, "LA": 4.7, "KY": 4.5,
    "OR": 4.2, "OK": 4.0, "CT": 3.6, "UT": 3.3, "PR": 3.3, "IA": 3.2, "NV": 3.1, "AR": 3.0, "MS": 3.0,
    "KS": 2.9, "NM": 2.1, "NE": 2.0, "ID": 1.8, "WV": 1.8, "HI": 1.5, "NH": 1.4, "ME": 1.4, "RI": 1.1,
    "MT": 1.1, "DE": 1.0, "SD": 0.9, "ND": 0.8, "AK": 0.7, "DC": 0.7, "VT": 0.6, "WY": 0.6, "GU": 0.17,
    "VI": 0.09, "AS": 0.05, "MP": 0.05,
}  # fmt: skip
OUTSIDE_US_SHARE = 0.03
OUTSIDE_US_REGIONS = (
    ("CA", ("Ontario", "British Columbia", "Alberta", "Quebec", "Nova Scotia", "Manitoba")),
    ("GB", ("England", "Scotland", "Wales", "Northern Ireland")),
    ("AU", ("New South Wales", "Victoria", "Queensland")),
    ("IE", ("",)),
    ("NZ", ("",)),
)

T = Agency.AgencyType
# Type: (weight, median sworn officers, name patterns). {city}, {county}, {state_name}, {place}.
AGENCY_TYPES = {
    T.MUNICIPAL_POLICE: (62, 18, (
        "{city} Police Department", "{city} Police Department", "{city} Police Department",
        "{city} Department of Public Safety", "Town of {city} Police Department", "Village of {city} Police Department",
    )),
    T.SHERIFF: (15, 45, ("{county} County Sheriff’s Office", "{county} County Sheriff’s Department")),
    T.COUNTY_POLICE: (3, 120, ("{county} County Police Department",)),
    T.STATE_POLICE: (0.3, 900, ("{state_name} State Police", "{state_name} Highway Patrol")),
    T.CAMPUS: (7, 20, (
        "University of {place} Police Department", "{place} State University Police",
        "{place} Community College Police Department", "{place} College Department of Public Safety",
    )),
    T.TRIBAL: (3, 15, ("{place} Tribal Police Department", "{place} Band Tribal Police")),
    T.TRANSIT: (1, 60, ("{place} Regional Transit Police", "{place} Area Rapid Transit Police")),
    T.PORT_AIRPORT: (1, 40, ("Port of {place} Police", "{place} International Airport Police")),
    T.SCHOOL_DISTRICT: (2, 12, (
        "{place} Independent School District Police", "{place} Unified School District Police",
    )),
    T.FEDERAL: (0.5, 80, ("{place} VA Medical Center Police", "{place} National Park Police")),
    T.OTHER: (2, 10, ("{place} Park Rangers", "{place} Housing Authority Police", "{place} Harbor Patrol")),
}  # fmt: skip
OUTSIDE_US_PATTERNS = ("{city} Police Service", "{city} Regional Police", "{county} Constabulary")
CHIEF_TITLES = {
    T.SHERIFF: "Sheriff",
    T.STATE_POLICE: "Colonel",
    T.CAMPUS: "Director of Public Safety",
    T.FEDERAL: "Chief",
    T.TRANSIT: "Chief",
}
CONTACT_TITLES = (
    "Crisis Response Coordinator", "CIT Coordinator", "Lieutenant", "Sergeant", "Deputy Chief",
    "Training Coordinator", "Captain", "Behavioral Health Liaison", "Administrative Assistant to the Chief",
)  # fmt: skip
STAFF_REVIEWERS = ("mgarcia", "tnguyen", "jpatel", "rkowalski", "abrown")

# Latest pledge status: weight. Earlier pledges of re-pledging agencies are closed ones.
STATUS_WEIGHTS = {
    Pledge.Status.APPROVED: 50,
    Pledge.Status.COMPLETED: 15,
    Pledge.Status.LAPSED: 9,
    Pledge.Status.SUBMITTED: 7,
    Pledge.Status.EMAIL_VERIFIED: 6,
    Pledge.Status.WITHDRAWN: 8,
    Pledge.Status.REJECTED: 5,
}
EARLIER_PLEDGE_SHARE = 0.05
REINSTATED_SHARE = 0.03  # of in-progress pledges: lapsed once, then given more time
# Months to implement (pledges.constants: 12 to 36) and how often each is chosen.
TARGET_MONTHS_CHOICES = ((TARGET_MONTHS_MIN, 18, 24, TARGET_MONTHS_MAX), (20, 15, 45, 20))
DAY = datetime.timedelta(days=1)


def _local_date(moment):
    """The date in the site's time zone (settings.TIME_ZONE), as the services compute deadlines."""
    return moment.astimezone(_site_timezone()).date()


@functools.cache
def _site_timezone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass
class GeneratedPledges:
    agencies: list = field(default_factory=list)
    pledges: list = field(default_factory=list)
    progress: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    transitions: list = field(default_factory=list)
    extensions: list = field(default_factory=list)


class PledgeGenerator:
    def __init__(self, rng, *, now=None, policy_resource_ids=()):
        self.rng = rng
        self.text = TextGenerator(rng)
        self.now = now or timezone.now()
        self.policy_resource_ids = list(policy_resource_ids)
        self.states = list(STATE_POPULATION)
        self.state_weights = list(STATE_POPULATION.values())
        self.types = list(AGENCY_TYPES)
        self.type_weights = [AGENCY_TYPES[agency_type][0] for agency_type in self.types]
        self.used_names = set()
        self.used_slugs = set()
        self.used_oris = set()
        self.state_police = set()

    # --- Agencies -----------------------------------------------------------------------------

    def _location(self):
        rng = self.rng
        if rng.random() < OUTSIDE_US_SHARE:
            country, regions = rng.choice(OUTSIDE_US_REGIONS)
            return country, rng.choice(regions)
        return "US", rng.choices(self.states, weights=self.state_weights)[0]

    def _name(self, agency_type, country, state):
        rng, text = self.rng, self.text
        slots = {
            "city": text.place(),
            "county": text.surname(),
            "place": text.place(),
            "state_name": US_STATE_NAMES.get(state, state),
        }
        patterns = AGENCY_TYPES[agency_type][2] if country == "US" else OUTSIDE_US_PATTERNS
        return rng.choice(patterns).format(**slots), slots["city"]

    def _ori(self, state):
        rng = self.rng
        for _attempt in range(20):
            ori = f"{state}{rng.randint(1, 199):03d}{rng.randint(0, 99):02d}00"
            if ori not in self.used_oris:
                self.used_oris.add(ori)
                return ori
        return ""

    def _sworn_officers(self, agency_type):
        median = AGENCY_TYPES[agency_type][1]
        return max(1, min(36_000, round(self.rng.lognormvariate(math.log(median), 1.1))))

    def new_agency(self, agency_id):
        rng = self.rng
        while True:
            country, state = self._location()
            agency_type = rng.choices(self.types, weights=self.type_weights)[0]
            if agency_type == T.STATE_POLICE and (country != "US" or state in self.state_police):
                continue
            name, city = self._name(agency_type, country, state)
            key = (name.lower(), state, country)
            if key not in self.used_names:
                break
        self.used_names.add(key)
        if agency_type == T.STATE_POLICE:
            self.state_police.add(state)
        region = state if country == "US" else f"{state} {country}"
        base = slugify(f"{name} {region}")[:200].strip("-")
        slug, number = base, 2
        while slug in self.used_slugs:
            slug, number = f"{base}-{number}", number + 1
        self.used_slugs.add(slug)
        sworn = self._sworn_officers(agency_type)
        return Agency(
            id=agency_id,
            name=name,
            slug=slug,
            agency_type=agency_type,
            city=city,
            country=country,
            state=state,
            ori=self._ori(state) if country == "US" and rng.random() < 0.85 else "",
            sworn_officers=sworn,
            non_sworn_staff=round(sworn * rng.uniform(0.1, 0.6)) if rng.random() < 0.85 else None,
            website=f"https://www.{slugify(city).replace('-', '')}.example.gov/police" if rng.random() < 0.7 else "",
        )

    # --- Pledges ------------------------------------------------------------------------------

    def _nonce(self):
        return base64.urlsafe_b64encode(self.rng.getrandbits(128).to_bytes(16, "big")).decode().rstrip("=")

    def _between(self, start, end):
        """A moment between two datetimes (start if the range is empty)."""
        if end <= start:
            return start
        return start + (end - start) * self.rng.random()

    def _pledge(self, agency, pledge_id, status, *, not_before):
        """One pledge of `agency` ending in `status`, with its transitions; never earlier than `not_before`."""
        rng, text, now = self.rng, self.text, self.now
        target_months = rng.choices(*TARGET_MONTHS_CHOICES)[0]
        window = datetime.timedelta(days=target_months * 30.4)
        chief_first, chief_last = text.first_name(), text.surname()
        contact_first, contact_last = text.first_name(), text.surname()
        email_name = "".join(ch for ch in f"{contact_first}.{contact_last}".lower() if ch.isalnum() or ch == ".")
        pledge = Pledge(
            id=pledge_id,
            agency_id=agency.id,
            chief_executive_name=f"{chief_first} {chief_last}",
            chief_executive_title=CHIEF_TITLES.get(agency.agency_type, "Chief of Police"),
            attestation=True,
            contact_name=f"{contact_first} {contact_last}",
            contact_title=rng.choice(CONTACT_TITLES),
            contact_email=f"{email_name}@{slugify(agency.city).replace('-', '') or 'agency'}.example.gov",
            contact_phone=f"{rng.randint(201, 989)}-555-{rng.randint(100, 9999):04d}",
            target_months=target_months,
            verification_nonce=self._nonce(),
        )
        history = []  # (from, to, when, actor label, reason)
        reviewer = rng.choice(STAFF_REVIEWERS)
        S = Pledge.Status

        # A reinstated pledge lapsed once, then staff extended its deadline (lapsed -> approved).
        reinstated = status == S.APPROVED and rng.random() < REINSTATED_SHARE
        if status in (S.APPROVED, S.LAPSED, S.COMPLETED):
            if status == S.APPROVED and not reinstated:  # the deadline is still ahead
                approved_at = self._between(max(not_before, now - window + 7 * DAY), now - DAY)
            elif status in (S.APPROVED, S.LAPSED):  # the (first) deadline has passed
                approved_at = self._between(not_before, now - window - 10 * DAY)
            else:
                approved_at = self._between(not_before, now - 120 * DAY)
            submitted_at = approved_at - rng.uniform(3, 60) * DAY
            verified_at = submitted_at + rng.uniform(0.02, 3) * DAY
        elif status == S.SUBMITTED:
            # Most were sent in the last week; a few never confirmed their address.
            submitted_at = now - rng.uniform(0.1, 6 if rng.random() < 0.8 else 40) * DAY
            verified_at = approved_at = None
        else:  # email verified, rejected, withdrawn: submitted in the last months
            submitted_at = self._between(max(not_before, now - 400 * DAY), now - 2 * DAY)
            verified_at = submitted_at + rng.uniform(0.02, 2) * DAY
            approved_at = None
        submitted_at = max(submitted_at, not_before)
        if verified_at:
            verified_at = max(verified_at, submitted_at + DAY / 24)
        history.append(("", S.SUBMITTED, submitted_at, ACTOR_CONTACT, ""))
        pledge.submitted_at = pledge.verification_sent_at = submitted_at
        if verified_at and verified_at < now:
            pledge.email_verified_at = verified_at
            history.append((S.SUBMITTED, S.EMAIL_VERIFIED, verified_at, ACTOR_CONTACT, ""))

        if approved_at:
            approved_at = max(approved_at, (pledge.email_verified_at or submitted_at) + DAY / 6)
            pledge.approved_at = approved_at
            pledge.deadline = pledge.deadline_from(_local_date(approved_at))
            pledge.progress_link_nonce = self._nonce()
            pledge.progress_link_issued_at = approved_at
            history.append((S.EMAIL_VERIFIED, S.APPROVED, approved_at, reviewer, ""))
        if status == S.COMPLETED:
            deadline_moment = timezone.make_aware(datetime.datetime.combine(pledge.deadline, datetime.time(12)))
            pledge.completed_at = self._between(approved_at + 90 * DAY, min(now, deadline_moment) - DAY)
            history.append((S.APPROVED, S.COMPLETED, pledge.completed_at, reviewer, "All four practices verified."))
        extension = None
        if status == S.LAPSED or reinstated:
            lapsed_at = timezone.make_aware(datetime.datetime.combine(pledge.deadline, datetime.time(6))) + DAY
            lapsed_at = min(lapsed_at, now - DAY)
            history.append((S.APPROVED, S.LAPSED, lapsed_at, ACTOR_SYSTEM, "The deadline passed."))
            if reinstated:
                extended_at = self._between(max(lapsed_at + DAY / 2, now - 60 * DAY), now - DAY / 24)
                new_deadline = _local_date(now) + rng.randint(30, 365) * DAY
                reason = "The agency asked for more time to finish CIT training."
                extension = DeadlineExtension(
                    pledge_id=pledge_id,
                    previous_deadline=pledge.deadline,
                    new_deadline=new_deadline,
                    actor_label=reviewer,
                    reason=reason,
                    created_at=extended_at,
                    updated_at=extended_at,
                )
                pledge.deadline = new_deadline
                history.append((S.LAPSED, S.APPROVED, extended_at, reviewer, reason))
        if status == S.REJECTED:
            rejected_at = self._between((pledge.email_verified_at or submitted_at) + DAY / 2, now)
            pledge.rejection_reason = rng.choice(
                (
                    "We could not confirm that the signer is the agency’s chief executive.",
                    "This agency is not a law enforcement agency.",
                    "Duplicate of another submission for the same agency.",
                )
            )
            history.append((history[-1][1], S.REJECTED, rejected_at, reviewer, pledge.rejection_reason))
        if status == S.WITHDRAWN:
            withdrawn_at = self._between(history[-1][2] + DAY / 2, now)
            reason = rng.choice(("New chief executive; the agency will pledge again later.", "Staffing shortage."))
            history.append((history[-1][1], S.WITHDRAWN, withdrawn_at, ACTOR_CONTACT, reason))

        pledge.status = status
        pledge.status_changed_at = history[-1][2]
        pledge.created_at = submitted_at
        pledge.updated_at = history[-1][2]
        transitions = [
            PledgeTransition(
                pledge_id=pledge_id,
                from_status=from_status,
                to_status=to_status,
                actor_label=actor_label,
                reason=reason,
                created_at=when,
                updated_at=when,
            )
            for from_status, to_status, when, actor_label, reason in history
        ]
        return pledge, transitions, extension

    # --- Practice progress ----------------------------------------------------------------------

    def _practice_values(self, agency, practice, reported_on, *, must_meet):
        """Reported values for one practice; `must_meet` makes them meet the target (rules.py)."""
        rng, sworn = self.rng, agency.sworn_officers
        non_sworn_trained = rng.randint(0, agency.non_sworn_staff) if agency.non_sworn_staff else 0
        if practice == Practice.PARTNERSHIP:
            partners = "\n".join(f"{self.text.place()} {rng.choice(ORGANIZATIONS)}" for _ in range(rng.randint(1, 3)))
            return {"partner_organizations": partners, "agreement_date": reported_on - rng.randint(0, 90) * DAY}
        if practice == Practice.POLICY:
            values = {"policy_adopted_on": reported_on - rng.randint(0, 60) * DAY}
            if self.policy_resource_ids and rng.random() < 0.5:
                values["policy_resource_id"] = rng.choice(self.policy_resource_ids)
            return values
        if practice == Practice.CIT:
            share = rng.uniform(0.2, 0.6) if must_meet else rng.uniform(0, 0.35)
            return {"sworn_trained": min(sworn, math.ceil(sworn * share)), "non_sworn_trained": non_sworn_trained}
        return {"sworn_trained": rng.randint(0, sworn), "non_sworn_trained": non_sworn_trained}

    def _progress(self, agency, pledge, out):
        """The four PracticeProgress rows (as pledge_submit creates them) and the reports behind their values."""
        rng = self.rng
        S = Pledge.Status
        reports_until = None
        if pledge.status == S.COMPLETED:
            reports_until = pledge.completed_at
        elif pledge.status in (S.APPROVED, S.LAPSED):
            reports_until = min(
                self.now, timezone.make_aware(datetime.datetime.combine(pledge.deadline, datetime.time(12)))
            )
        elif pledge.status == S.WITHDRAWN and pledge.approved_at:
            reports_until = pledge.status_changed_at
        values = {}
        if reports_until and pledge.approved_at:
            completed = pledge.status == S.COMPLETED
            share_of_window = (reports_until - pledge.approved_at) / max(self.now - pledge.approved_at, DAY)
            for practice in PRACTICES:
                if completed or rng.random() < 0.25 + 0.6 * min(1, share_of_window):
                    reported_at = self._between(pledge.approved_at + DAY, reports_until - DAY / 2)
                    values[practice] = (
                        reported_at,
                        self._practice_values(agency, practice, _local_date(reported_at), must_meet=completed),
                    )
            # Combined MHFA rule: MHFA-trained plus CIT-trained officers cover all sworn officers.
            if completed:
                cit_trained = values[Practice.CIT][1]["sworn_trained"]
                values[Practice.MHFA][1]["sworn_trained"] = agency.sworn_officers - cit_trained
        for practice in PRACTICES:
            row = PracticeProgress(pledge_id=pledge.id, practice=practice, created_at=pledge.submitted_at)
            if practice in values:
                reported_at, practice_values = values[practice]
                for name, value in practice_values.items():
                    setattr(row, name, value)
                row.last_reported_at = reported_at
                if pledge.status == S.COMPLETED or (self._is_met(agency, practice, values) and rng.random() < 0.6):
                    row.verified_at = min(reported_at + rng.uniform(1, 20) * DAY, pledge.completed_at or self.now)
                out.reports.append(
                    ProgressReport(
                        pledge_id=pledge.id,
                        practice=practice,
                        reported_by_label=ACTOR_CONTACT,
                        note=rng.choice(
                            ("", "", "Numbers from the training unit’s records.", "Updated after the spring academy.")
                        ),
                        created_at=reported_at,
                        updated_at=reported_at,
                        **practice_values,
                    )
                )
            row.updated_at = row.verified_at or row.last_reported_at or pledge.submitted_at
            out.progress.append(row)

    @staticmethod
    def _is_met(agency, practice, values):
        practice_values = values[practice][1]
        if practice in (Practice.PARTNERSHIP, Practice.POLICY):
            return True
        trained = practice_values["sworn_trained"]
        if practice == Practice.CIT:
            return trained * 5 >= agency.sworn_officers
        cit = values.get(Practice.CIT, (None, {"sworn_trained": 0}))[1]["sworn_trained"]
        return trained + cit >= agency.sworn_officers

    # --- Everything ------------------------------------------------------------------------------

    def generate(self, count, *, first_agency_id, first_pledge_id):
        rng = self.rng
        out = GeneratedPledges()
        statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
        pledge_id = first_pledge_id
        S = Pledge.Status
        for index in range(count):
            agency = self.new_agency(first_agency_id + index)
            latest_status = rng.choices(statuses, weights=weights)[0]
            pledges = []
            # An agency that pledged before: its earlier pledge lapsed, was withdrawn or rejected (never
            # completed, which would forbid a new one) and closed before the latest was submitted.
            if rng.random() < EARLIER_PLEDGE_SHARE and latest_status != S.COMPLETED:
                latest = self._pledge(agency, pledge_id + 1, latest_status, not_before=CAMPAIGN_LAUNCH)
                for _attempt in range(5):
                    earlier_status = rng.choice((S.LAPSED, S.WITHDRAWN, S.REJECTED))
                    earlier = self._pledge(agency, pledge_id, earlier_status, not_before=CAMPAIGN_LAUNCH)
                    if earlier[0].status_changed_at < latest[0].submitted_at - DAY:
                        pledges.append(earlier)
                        break
                if not pledges:  # no earlier pledge fits: the latest alone, with the first id
                    latest = self._pledge(agency, pledge_id, latest_status, not_before=CAMPAIGN_LAUNCH)
                pledges.append(latest)
            else:
                pledges.append(self._pledge(agency, pledge_id, latest_status, not_before=CAMPAIGN_LAUNCH))
            for pledge, transitions, extension in pledges:
                out.pledges.append(pledge)
                out.transitions.extend(transitions)
                if extension:
                    out.extensions.append(extension)
                self._progress(agency, pledge, out)
            pledge_id += len(pledges)
            agency.created_at = pledges[0][0].submitted_at
            agency.updated_at = pledges[-1][0].status_changed_at
            out.agencies.append(agency)
        return out
