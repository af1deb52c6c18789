"""The words the benchmark catalog is written in, and a fast generator of sentences from them.

Realistic search load needs realistic text: a few words in most resources (as "training"
and "officers" are in a real catalog of police mental-health material), the field's terms
in a subject's resources and rarely elsewhere, and a long tail of thousands of words each in
a few resources. Every list below is drawn from with Zipf weights (the first entries far
more often than the last), and sentences come from templates whose slots name the list.

Names of people and places come from Faker's en_US lists (pinned in requirements-dev.txt),
which also give the long tail of everyday English words; the field's own vocabulary is here.
"""

import bisect
import itertools
import string
from dataclasses import dataclass

from faker.providers.lorem.en_US import Provider as LoremWords
from faker.providers.person.en_US import Provider as PersonNames


class Zipf:
    """Picks from `items`, the item of rank r (from 1) with weight 1 / (r + offset) ** exponent."""

    def __init__(self, items, exponent=1.0, offset=2.0):
        self.items = list(items)
        if not self.items:
            raise ValueError("Zipf needs at least one item")
        weights = [1 / (rank + offset) ** exponent for rank in range(1, len(self.items) + 1)]
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng):
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.total)]

    def sample(self, rng, count):
        """`count` distinct items (fewer if the list is shorter), Zipf-weighted."""
        count = min(count, len(self.items))
        chosen = []
        while len(chosen) < count:
            item = self.pick(rng)
            if item not in chosen:
                chosen.append(item)
        return chosen


@dataclass(frozen=True)
class Subject:
    """What a resource is about: its names, the phrases its text uses, and how it is tagged."""

    name: str  # as in a title, e.g. "Crisis Intervention Teams"
    phrases: tuple  # lower-case phrases of the field for sentences, most typical first
    topics: tuple  # topic slugs (resources/migrations/0002_seed_vocabularies.py)
    practices: tuple = ()  # One Mind practice values
    weight: int = 5  # how common the subject is in the catalog


SUBJECTS = (
    Subject(
        "Crisis Intervention Teams",
        (
            "crisis intervention team",
            "CIT",
            "CIT-trained officers",
            "40-hour CIT course",
            "Memphis model",
            "CIT coordinator",
            "CIT program",
            "crisis intervention training",
        ),
        ("crisis-intervention-team", "training"),
        ("cit",),
        12,
    ),
    Subject(
        "Crisis Response and Intervention Training",
        ("crisis response and intervention training", "CRIT", "CRIT curriculum", "crisis intervention"),
        ("crisis-intervention-team", "training"),
        ("cit",),
        4,
    ),
    Subject(
        "Mental Health First Aid",
        (
            "mental health first aid",
            "MHFA",
            "Mental Health First Aid for Public Safety",
            "eight-hour MHFA course",
            "certified MHFA instructors",
        ),
        ("mental-health-first-aid", "training"),
        ("mhfa",),
        9,
    ),
    Subject(
        "Co-Responder Programs",
        (
            "co-responder team",
            "co-responder model",
            "embedded clinician",
            "clinician ride-along",
            "behavioral health co-responders",
            "co-responder",
        ),
        ("co-responder", "partnerships"),
        ("partnership",),
        8,
    ),
    Subject(
        "Mobile Crisis Response",
        (
            "mobile crisis team",
            "mobile crisis unit",
            "crisis stabilization unit",
            "community responder",
            "non-police response",
            "CAHOOTS model",
        ),
        ("mobile-crisis", "behavioral-health-emergencies"),
        ("partnership",),
        7,
    ),
    Subject(
        "988 and 911 Coordination",
        (
            "988 Suicide and Crisis Lifeline",
            "988",
            "911 call diversion",
            "dispatch triage",
            "crisis line",
            "call-taker protocols",
            "emergency communications center",
        ),
        ("988-and-911",),
        (),
        7,
    ),
    Subject(
        "De-escalation",
        (
            "de-escalation training",
            "de-escalation",
            "ICAT",
            "time and distance",
            "use of force",
            "tactical communication",
            "slowing down the encounter",
        ),
        ("de-escalation", "training"),
        (),
        9,
    ),
    Subject(
        "Model Policy on Response to Persons Affected by Mental Illness",
        (
            "model policy",
            "general order",
            "standard operating procedure",
            "policy language",
            "response to persons affected by mental illness",
        ),
        ("policy",),
        ("policy",),
        7,
    ),
    Subject(
        "Community Mental Health Partnerships",
        (
            "memorandum of understanding",
            "community mental health center",
            "partnership agreement",
            "community partners",
            "information sharing",
        ),
        ("partnerships",),
        ("partnership",),
        6,
    ),
    Subject(
        "Pre-Arrest Diversion",
        (
            "Sequential Intercept Model",
            "pre-arrest diversion",
            "deflection",
            "crisis triage center",
            "law enforcement assisted diversion",
            "LEAD",
        ),
        ("diversion",),
        ("partnership",),
        6,
    ),
    Subject(
        "Assisted Outpatient Treatment and Mental Health Courts",
        (
            "assisted outpatient treatment",
            "AOT",
            "mental health court",
            "involuntary commitment",
            "emergency custody order",
            "civil commitment",
        ),
        ("courts",),
        (),
        4,
    ),
    Subject(
        "Opioids and Substance Use",
        (
            "naloxone",
            "opioid overdose",
            "medication for opioid use disorder",
            "fentanyl",
            "overdose response",
            "harm reduction",
        ),
        ("substance-use",),
        (),
        6,
    ),
    Subject(
        "Behavioral Health Emergencies",
        (
            "behavioral health emergency",
            "psychiatric emergency",
            "emergency department boarding",
            "crisis receiving center",
            "involuntary evaluation",
        ),
        ("behavioral-health-emergencies",),
        (),
        5,
    ),
    Subject(
        "Officer Wellness and Suicide Prevention",
        (
            "officer wellness",
            "peer support",
            "critical incident stress",
            "post-traumatic stress",
            "officer suicide",
            "employee assistance program",
        ),
        ("officer-safety-wellness",),
        (),
        6,
    ),
    Subject(
        "Data Collection and Transparency",
        (
            "data collection",
            "performance measures",
            "public dashboard",
            "call data",
            "outcome measures",
            "mental health call codes",
        ),
        ("data-and-transparency",),
        (),
        4,
    ),
    Subject(
        "Intellectual and Developmental Disabilities",
        (
            "autism",
            "intellectual disability",
            "developmental disabilities",
            "sensory needs",
            "communication differences",
        ),
        ("intellectual-developmental-disabilities",),
        (),
        3,
    ),
    Subject(
        "Mental Health Legislation",
        ("state legislation", "statute", "legislation", "bill", "legislative testimony", "appropriations"),
        ("legislation", "policy"),
        (),
        3,
    ),
    Subject(
        "Victim Services",
        ("victim services", "victim advocates", "trauma-informed interviewing", "crime victims"),
        ("victims",),
        (),
        2,
    ),
    Subject(
        "Excited Delirium and In-Custody Deaths",
        (
            "excited delirium",
            "sudden in-custody death",
            "restraint",
            "positional asphyxia",
            "medical emergency",
            "prone restraint",
        ),
        ("excited-delirium", "behavioral-health-emergencies"),
        (),
        2,
    ),
    Subject(
        "Suicide Prevention",
        (
            "suicide by cop",
            "suicide prevention",
            "lethal means safety",
            "barricaded subject",
            "suicidal person",
            "crisis negotiation",
        ),
        ("behavioral-health-emergencies", "de-escalation"),
        (),
        4,
    ),
    Subject(
        "Homeless Outreach",
        ("homeless outreach", "unsheltered residents", "supportive housing", "outreach workers"),
        ("partnerships", "diversion"),
        ("partnership",),
        3,
    ),
    Subject(
        "Youth and School Mental Health",
        ("school resource officers", "youth mental health", "adolescents in crisis", "school-based services"),
        ("partnerships", "training"),
        (),
        3,
    ),
    Subject(
        "Veterans in Crisis",
        ("veterans", "veterans treatment court", "military trauma", "veterans response team"),
        ("diversion",),
        (),
        2,
    ),
    Subject(
        "Dementia and Older Adults",
        ("dementia", "Alzheimer’s disease", "wandering", "older adults", "cognitive impairment"),
        ("intellectual-developmental-disabilities", "training"),
        (),
        2,
    ),
    Subject(
        "Jail Mental Health and Reentry",
        ("jail", "booking screening", "reentry", "continuity of care", "in-custody treatment"),
        ("diversion", "courts"),
        (),
        3,
    ),
)

# Nouns, most common first: "training" and "officers" come first so that, as in the real
# catalog, they are in most resources (benchmarks.pages checks this before searching for one).
PLURAL_NOUNS = (
    "officers", "agencies", "people", "clinicians", "calls", "partners", "communities", "dispatchers",
    "supervisors", "programs", "families", "outcomes", "services", "trainers", "chiefs", "deputies", "residents",
    "responders", "policies", "hospitals", "counties", "cities", "providers", "recommendations", "sheriffs",
    "practices", "incidents", "encounters", "referrals", "arrests", "injuries", "resources", "departments",
    "leaders", "practitioners", "researchers", "evaluators", "advocates", "peers", "nurses", "psychiatrists",
    "social workers", "case managers", "prosecutors", "judges", "commanders", "sergeants", "recruits",
    "instructors", "students", "veterans", "youth", "adults", "patients", "clients", "consumers", "stakeholders",
    "legislators", "funders", "grants", "budgets", "protocols", "checklists", "scenarios", "modules", "exercises",
    "simulations", "videos", "webinars", "surveys", "interviews", "findings", "barriers", "challenges", "lessons",
    "strategies", "approaches", "models", "tools", "forms", "measures", "indicators", "dashboards", "records",
    "reports", "agreements", "contracts", "meetings", "trainings", "curricula", "certifications", "hours", "shifts",
    "beats", "districts", "precincts", "jurisdictions", "regions", "states", "tribes", "campuses", "schools",
    "jails", "courts", "shelters",
)  # fmt: skip
SINGULAR_NOUNS = (
    "training", "crisis", "agency", "response", "program", "policy", "community", "officer", "department", "call",
    "partnership", "treatment", "safety", "support", "care", "model", "approach", "practice", "evaluation",
    "curriculum", "team", "service", "system", "county", "city", "state", "person", "family", "clinician",
    "dispatcher", "supervisor", "hospital", "jail", "court", "school", "campus", "budget", "grant", "report",
    "guide", "toolkit", "checklist", "protocol", "framework", "strategy", "assessment", "screening", "referral",
    "diversion", "intervention", "prevention", "recovery", "wellness", "resilience", "trauma", "stigma", "trust",
    "legitimacy", "accountability", "transparency", "oversight", "leadership", "management", "coordination",
    "collaboration", "communication", "dispatch", "triage", "stabilization", "follow-up", "outreach", "engagement",
    "housing", "employment", "insurance", "medicaid", "funding", "sustainability", "implementation", "planning",
    "governance", "liability", "risk", "harm", "injury", "force", "restraint", "transport", "custody", "booking",
    "release", "reentry", "probation", "parole", "sentencing", "prosecution", "defense", "commitment", "capacity",
    "workforce", "staffing", "retention", "recruitment", "morale", "burnout", "fatigue", "stress",
)  # fmt: skip
ADJECTIVES = (
    "mental", "local", "community", "behavioral", "national", "practical", "effective", "safe", "sustainable",
    "regional", "rural", "urban", "suburban", "small", "large", "mid-sized", "new", "updated", "revised",
    "comprehensive", "brief", "detailed", "evidence-based", "promising", "innovative", "collaborative", "voluntary",
    "involuntary", "acute", "chronic", "serious", "severe", "mild", "frequent", "repeat", "high-risk", "low-risk",
    "emergency", "routine", "specialized", "dedicated", "trained", "certified", "experienced", "sworn", "civilian",
    "non-sworn", "peer-led", "clinical", "medical", "psychiatric", "psychological", "social", "legal", "statutory",
    "fiscal", "operational", "tactical", "strategic", "administrative", "organizational", "cultural", "racial",
    "equitable", "inclusive", "accessible", "confidential", "public", "private", "nonprofit", "federal",
    "statewide", "countywide", "citywide", "tribal", "municipal", "multidisciplinary", "interagency",
    "cross-system", "coordinated", "integrated", "fragmented", "underfunded", "overburdened", "measurable",
    "transparent", "accountable", "trauma-informed", "person-centered", "recovery-oriented",
    "culturally responsive",
)  # fmt: skip
VERBS_PAST = (
    "trained", "reduced", "improved", "expanded", "adopted", "launched", "evaluated", "reviewed", "developed",
    "implemented", "funded", "piloted", "measured", "documented", "studied", "surveyed", "coordinated",
    "redesigned", "updated", "revised", "tested", "compared", "tracked", "reported", "recommended", "required",
    "encouraged", "supported", "established", "created", "built", "shared", "collected", "analyzed", "found",
    "observed", "noted", "identified", "described", "explained", "examined", "assessed", "addressed", "prioritized",
    "integrated", "streamlined", "replaced", "combined", "extended", "sustained", "doubled", "halved", "lowered",
    "increased", "decreased", "diverted", "referred", "connected", "linked", "paired", "assigned", "deployed",
    "dispatched", "certified",
)  # fmt: skip
VERBS_PRESENT = (
    "describes", "explains", "outlines", "summarizes", "presents", "reviews", "offers", "provides", "covers",
    "examines", "compares", "shows", "documents", "recommends", "sets out", "lists", "walks through", "answers",
    "highlights", "introduces", "analyzes", "discusses", "traces", "reports",
)  # fmt: skip
PUBLISHERS = (
    "International Association of Chiefs of Police (IACP)", "Bureau of Justice Assistance",
    "Council of State Governments Justice Center", "National Council for Mental Wellbeing",
    "Police Executive Research Forum", "Substance Abuse and Mental Health Services Administration (SAMHSA)",
    "National Alliance on Mental Illness (NAMI)", "CIT International",
    "Office of Community Oriented Policing Services (COPS Office)", "National Institute of Justice",
    "Treatment Advocacy Center", "Vera Institute of Justice", "National Sheriffs’ Association",
    "Policy Research Associates", "National Association of State Mental Health Program Directors",
    "RAND Corporation", "Urban Institute", "National League of Cities", "National Association of Counties",
    "Major Cities Chiefs Association", "National Police Foundation", "Arnold Ventures", "Pew Charitable Trusts",
    "The Council of State Governments", "National Governors Association",
    "Johns Hopkins Center for Mental Health and Addiction Policy", "University of Cincinnati Corrections Institute",
    "International Association of Directors of Law Enforcement Standards and Training",
    "National Association of Social Workers", "American Psychiatric Association",
)  # fmt: skip
ORGANIZATIONS = (
    "County Behavioral Health Services", "Community Mental Health Center", "chapter of NAMI",
    "Regional Crisis Center", "University Medical Center", "Department of Mental Health",
    "Public Health Department", "Emergency Communications District", "Fire and Rescue",
    "Veterans Affairs Medical Center", "Housing Authority", "Recovery Community Organization", "Family Services",
    "Crisis Line",
)  # fmt: skip
IACP_COMMITTEES = (
    ("NDD", "Narcotics and Dangerous Drugs Committee"),
    ("CRC", "Community Policing Committee"),
    ("HCR", "Human and Civil Rights Committee"),
    ("VSC", "Victim Services Committee"),
    ("PSPS", "Police Psychological Services Section"),
    ("TRAIN", "Education and Training Committee"),
    ("JVC", "Juvenile Justice and Child Protection Committee"),
    ("SACOP", "State and Provincial Police Division"),
    ("PPSE", "Police Physicians Section"),
    ("RES", "Resolutions Committee"),
    ("HWSC", "Officer Safety and Wellness Committee"),
    ("CJIS", "Criminal Justice Information Systems Committee"),
)
CONFERENCE_CITIES = (
    "Orlando", "San Diego", "Chicago", "Philadelphia", "Boston", "Denver", "Dallas", "Nashville", "Houston",
    "Los Angeles", "Atlanta", "New Orleans", "Minneapolis", "Louisville", "Indianapolis", "Salt Lake City",
    "Denver", "Anaheim", "Honolulu", "San Antonio",
)  # fmt: skip
# Everyday words of reports, from Faker's lorem list (about a thousand), after the field's words.
GENERAL_WORDS = tuple(word for word in LoremWords.word_list if len(word) > 2)
SURNAMES = tuple(PersonNames.last_names)  # most common first
FIRST_NAMES = tuple(sorted(PersonNames.first_names, key=lambda name: -PersonNames.first_names[name]))
PLACE_SUFFIXES = (
    "ville", "ton", "field", "wood", "dale", "burg", "port", " Springs", " Falls", " Heights", "view",
)  # fmt: skip
PLACE_PREFIXES = (
    "North ", "South ", "East ", "West ", "New ", "Lake ", "Port ", "Mount ", "Fort ", "Glen ",
)  # fmt: skip

# Sentence templates: "{slot}" names a picker in TextGenerator.pickers (or a fixed value given per
# resource: subject, other, place, state, org, kind). Many, so no pair of resources reads alike.
SENTENCE_TEMPLATES = (
    "This {kind} {verb} how {adj} {nouns} in {place} {past} their {subject} over {number} years.",
    "{Nouns} who completed {subject} {past} {adj} {nouns} and fewer {nouns}.",
    "The {subject} pairs {adj} {nouns} with {nouns} from the {org}.",
    "It covers {noun}, {noun}, {noun} and the role of {nouns}.",
    "{Nouns} in {state} {past} {percent} percent more {nouns} after adopting the {subject}.",
    "Dispatch protocols route calls about {other} to the right {noun} when it is safe to do so.",
    "The document includes a sample {noun} {noun} and a {noun} for {adj} {nouns}.",
    "Evaluators compared {nouns} before and after the {subject} began in {place}.",
    "Training emphasizes time, distance and {noun} when a person is in crisis.",
    "Partners include the {org}, {adj} {nouns} and the {state} {noun} {noun}.",
    "Chiefs describe the {noun}, {noun} and {adj} questions they resolved along the way.",
    "Appendices list {adj} measures for the {subject} and how to report them publicly.",
    "{Nouns} asked whether {other} could reduce {noun} and {noun} at the same time.",
    "In {year}, the {place} {noun} {past} {number} {nouns} in {subject}.",
    "The {kind} {verb} {adj} {noun} and {adj} {noun}, with {general} and {general} examples.",
    "A {adj} {noun} of {number} {nouns} {past} the {subject} and {other}.",
    "Its authors {past} {nouns} from {number} {adj} {nouns} across {state}.",
    "Supervisors review each {noun} to make sure {nouns} follow the {subject} and the {noun} {noun}.",
    "Most {nouns} said the {noun} was {adj}, but {general} {nouns} remained a {noun}.",
    "The program began with {number} {nouns} and {past} to {number} within {number} years.",
    "{Nouns} and {nouns} meet monthly to review {adj} {nouns} and {noun}.",
    "Lessons from {place} show that {subject} works best with {adj} {noun} and steady {noun}.",
    "The {noun} {noun} sets out when {nouns} should call the {org} instead of making an arrest.",
    "Officers used {subject} skills during {number} calls involving {other}.",
    "Calls involving {other} fell by {percent} percent in the first year.",
    "Its recommendations cover {noun}, {noun}, {general} {noun} and {adj} {noun}.",
    "Funding came from a {adj} {noun} and the {state} {noun} {noun}.",
    "A checklist helps {nouns} plan {noun}, {noun} and {noun} for the {subject}.",
    "The {kind} draws on {number} interviews with {nouns}, {nouns} and {nouns}.",
    "{Nouns} rated the {noun} {adj} and asked for more {general} {noun}.",
    "It explains how {nouns} document {adj} {nouns} and share {noun} with the {org}.",
    "Agencies without a {noun} can start with {other} and a {adj} {noun}.",
    "The guide answers common questions about {subject}, {noun} and {noun}.",
    "After the {subject} began, use of force in {noun} calls {past} by {percent} percent.",
    "The {noun} team {past} {nouns} to {adj} {nouns} within {number} hours.",
    "{Nouns} from {number} agencies {past} the {adj} {noun} and its {general} {noun}.",
    "The {kind} closes with {number} {adj} recommendations for {nouns} and {nouns}.",
    "Readers will find {adj} {nouns}, {general} {nouns} and a {noun} {noun} to adapt.",
    "The {subject} relies on {adj} {noun} between {nouns} and {nouns}.",
    "{Nouns} completed {number} hours of training on {subject} and {other}.",
)  # fmt: skip
TITLE_TEMPLATES_BY_KIND = {
    "model-policy": (
        "{Subject}: Model Policy",
        "Model Policy on {Subject}",
        "{Subject}: {Adj} Model Policy",
        "{Subject} Model Policy for {Audience}",
    ),
    "concepts-and-issues-paper": ("{Subject}: Concepts and Issues Paper", "Concepts and Issues: {Subject}"),
    "report": (
        "{Subject} in {Place}: {Year} Report",
        "Evaluation of the {Place} {Subject} Program",
        "{Subject}: Findings from {Number} Agencies",
        "A National Survey of {Subject}",
        "{Adj} {Subject}: A {Year} Review",
        "{Subject} and {Other}: What the Data Show",
    ),
    "article": (
        "How {Place} Built {Subject}",
        "What Chiefs Should Know About {Subject}",
        "{Adj} Lessons from {Subject}",
        "{Subject} in a {Adj} Agency",
        "Rethinking {Subject} in {State}",
        "Beyond {Subject}: {Other}",
    ),
    "training": (
        "{Subject} Training for {Audience}",
        "{Number}-Hour {Subject} Course",
        "Train-the-Trainer: {Subject}",
        "{Subject}: {Adj} Training Curriculum",
        "Roll-Call Training: {Subject}",
    ),
    "toolkit": ("{Subject} Toolkit", "{Subject} Implementation Toolkit for {Audience}", "{Adj} Toolkit on {Subject}"),
    "resolution": (
        "Resolution on {Subject}",
        "Support for {Subject}",
        "Encouraging {Subject}",
        "Calling for {Subject}",
        "Promoting {Subject} in {Audience}",
    ),
    "legislative-initiative": ("{State} {Subject} Act", "Model Legislation on {Subject}", "{Subject} Bill in {State}"),
    "messaging-sheet": ("{Subject} Messaging Sheet", "Talking Points on {Subject}"),
    "campaign": ("{Subject} Awareness Campaign", "The {Subject} Pledge Campaign"),
    "video": ("Video: {Subject} in Practice", "Webinar: {Subject} in {Place}", "{Subject}: A Short Film"),
    "external-link": ("{Publisher}: {Subject} Resources", "{Subject} Resource Center"),
}
AUDIENCE_WORDS = (
    "Patrol Officers", "Police Leaders", "Trainers", "Dispatchers", "Sheriffs", "Small Agencies", "Rural Agencies",
    "Campus Police", "Mental Health Partners", "Community Members", "Supervisors",
)  # fmt: skip


def _template_parts(template):
    """[(literal, slot key or None, capitalize), ...]: a template parsed once so filling it is a join.

    "{Nouns}" fills the "nouns" slot and capitalizes the value's first letter.
    """
    return [
        (literal, slot.lower() if slot else None, bool(slot) and slot[0].isupper())
        for literal, slot, _spec, _conversion in string.Formatter().parse(template)
    ]


def capitalize_first(text):
    return text[:1].upper() + text[1:]


class TextGenerator:
    """Sentences, titles and paragraphs for one seeded random stream (`rng`)."""

    def __init__(self, rng):
        self.rng = rng
        self.pickers = {
            "nouns": Zipf(PLURAL_NOUNS, exponent=1.1),
            "noun": Zipf(SINGULAR_NOUNS, exponent=1.0),
            "adj": Zipf(ADJECTIVES, exponent=0.9),
            "past": Zipf(VERBS_PAST, exponent=0.8),
            "verb": Zipf(VERBS_PRESENT, exponent=0.6),
            "general": Zipf(GENERAL_WORDS, exponent=0.7, offset=10),
            "org_name": Zipf(ORGANIZATIONS, exponent=0.5),
        }
        self.subjects = Zipf(sorted(SUBJECTS, key=lambda subject: -subject.weight), exponent=0.9, offset=1)
        self.surnames = Zipf(SURNAMES, exponent=0.8, offset=20)
        self.first_names = Zipf(FIRST_NAMES, exponent=0.8, offset=20)
        self.templates = [_template_parts(template) for template in SENTENCE_TEMPLATES]
        self.title_templates = {
            kind: [_template_parts(template) for template in templates]
            for kind, templates in TITLE_TEMPLATES_BY_KIND.items()
        }

    # --- Names ---------------------------------------------------------------------------------

    def surname(self):
        return self.surnames.pick(self.rng)

    def first_name(self):
        return self.first_names.pick(self.rng)

    def person(self):
        return f"{self.first_name()} {self.surname()}"

    def place(self):
        """A town name: "Harrisville", "North Jensen", "Port Alvarez", "Franklin"."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.45:
            return self.surname() + rng.choice(PLACE_SUFFIXES)
        if roll < 0.75:
            return rng.choice(PLACE_PREFIXES) + self.surname()
        if roll < 0.9:
            return self.surname()
        return self.first_name() + rng.choice(PLACE_SUFFIXES)

    # --- Text ----------------------------------------------------------------------------------

    def _fill(self, parts, fixed):
        rng = self.rng
        pickers = self.pickers
        out = []
        for literal, key, capitalize in parts:
            out.append(literal)
            if key is None:
                continue
            if key in fixed:
                value = fixed[key]
                if isinstance(value, Zipf):
                    value = value.pick(rng)
            elif key == "number":
                value = str(rng.choice((2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 24, 30, 40, 50, 75, 100, 120, 250)))
            elif key == "percent":
                value = str(rng.randint(5, 70))
            elif key == "year":
                value = str(rng.randint(2005, 2025))
            elif key == "org":
                value = f"{self.place()} {pickers['org_name'].pick(rng)}"
            else:
                value = pickers[key].pick(rng)
            out.append(capitalize_first(value) if capitalize else value)
        return "".join(out)

    def sentence(self, fixed):
        """One sentence; `fixed` maps slots to a value or a Zipf of values (the resource's own subject...)."""
        return self._fill(self.rng.choice(self.templates), fixed)

    def paragraph(self, fixed, sentences):
        return " ".join(self.sentence(fixed) for _ in range(sentences))

    def title(self, kind_slug, fixed):
        templates = self.title_templates.get(kind_slug) or self.title_templates["report"]
        return self._fill(self.rng.choice(templates), fixed)


def distinct_words():
    """Every distinct word the generator can write (lower case): for the tests and the docs."""
    words = set()
    texts = [
        *PLURAL_NOUNS,
        *SINGULAR_NOUNS,
        *ADJECTIVES,
        *VERBS_PAST,
        *VERBS_PRESENT,
        *GENERAL_WORDS,
        *SURNAMES,
        *FIRST_NAMES,
        *PUBLISHERS,
        *ORGANIZATIONS,
        *AUDIENCE_WORDS,
        *(phrase for subject in SUBJECTS for phrase in subject.phrases),
        *(subject.name for subject in SUBJECTS),
        *(template for template in SENTENCE_TEMPLATES),
    ]
    for text in texts:
        for word in text.replace("{", " ").replace("}", " ").split():
            words.add(word.strip(".,:;()“”’").lower())
    return {word for word in words if word}
