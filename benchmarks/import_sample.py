"""A realistic CSV for `manage.py import_resources`, of any size: `write_import_csv(path, rows)`.

Every row is valid against the seeded vocabularies (resources/migrations/0002): about one in
twelve is a resolution with its adoption year, identifier, committee and conference; the rest
are model policies, reports, toolkits and the like with a publication year. Rows carry 1–3
topics, 0–2 audiences, 0–2 One Mind practices, sometimes partners, a summary and a body of
several sentences (the search trigger indexes them), and nine in ten are published. Titles
are unique, so the slug column is left empty for most rows (the import derives it); one row
in ten gives its own slug. The same seed gives the same file.

Needs no database and no Django settings:
    python -m benchmarks.import_sample var/import-100000.csv 100000
"""

import argparse
import csv
import importlib
import random

from clearinghouse.one_mind import Practice

HEADER = (
    "title",
    "slug",
    "kind",
    "summary",
    "body",
    "topics",
    "audiences",
    "practices",
    "publisher",
    "partners",
    "year_published",
    "external_url",
    "year_adopted",
    "identifier",
    "submitting_committee",
    "adopting_conference",
    "status",
)
RESOLUTION_SHARE = 1 / 12
PUBLISHED_SHARE = 0.9
OWN_SLUG_SHARE = 0.1

_seed = importlib.import_module("resources.migrations.0002_seed_vocabularies")
KIND_SLUGS = [slug for slug, _name, _plural in _seed.KINDS if slug != "resolution"]
TOPIC_SLUGS = [slug for slug, _name in _seed.TOPICS]
# Audiences by name, as a curator's spreadsheet would have them (the import accepts names or slugs).
AUDIENCE_NAMES = [name for _slug, name in _seed.AUDIENCES]

SUBJECTS = [
    "Crisis intervention team",
    "Mental Health First Aid",
    "Co-responder program",
    "Mobile crisis response",
    "988 and 911 coordination",
    "De-escalation",
    "Assisted outpatient treatment",
    "Mental health court",
    "Pre-arrest diversion",
    "Officer wellness",
    "Naloxone distribution",
    "Sequential Intercept Model",
    "Behavioral health emergency",
    "Community mental health partnership",
]
FORMS = ["model policy", "training guide", "report", "toolkit", "fact sheet", "evaluation", "case study"]
PLACES = ["Springfield", "Riverside", "Franklin", "Greenville", "Madison", "Clinton", "Fairview", "Salem"]
SENTENCES = [
    "This {form} describes how agencies in {place} built a {subject} program with local partners.",
    "Officers responding to people in a mental health crisis used {subject} practices to reduce use of force.",
    "The approach pairs sworn officers with clinicians and dispatchers.",
    "It covers policy, training hours, data collection and the role of supervisors.",
    "Agencies report fewer arrests and more referrals to community treatment after adopting {subject}.",
    "Dispatch protocols route calls about suicide risk to the 988 lifeline when it is safe to do so.",
    "The document includes a sample general order and a checklist for command staff.",
    "Evaluators compared outcomes before and after the {subject} program began in {place}.",
    "Training emphasizes time, distance and communication when a person is in crisis.",
    "Partners include hospitals, peer-support organizations and the county behavioral health department.",
    "Appendices list performance measures and how to report them publicly.",
]
PUBLISHERS = [
    "Bureau of Justice Assistance",
    "Council of State Governments Justice Center",
    "National Council for Mental Wellbeing",
    "Police Executive Research Forum",
    "Substance Abuse and Mental Health Services Administration",
]
COMMITTEES = {
    "CJS": "Criminal Justice Services Committee",
    "NDD": "Narcotics and Dangerous Drugs Committee",
    "HEALTH": "Police Physicians Section",
    "VIC": "Victim Services Committee",
}
CONFERENCE_CITIES = ["Orlando", "San Diego", "Philadelphia", "Chicago", "Dallas", "Boston", "Denver"]
PARTNERS = [
    "County Behavioral Health",
    "NAMI State Chapter",
    "Regional Crisis Center",
    "University Department of Psychiatry",
    "988 Lifeline Call Center",
    "City Department of Public Health",
]


def _ordinal(number):
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _sentences(rng, count, subject, form, place):
    return " ".join(
        rng.choice(SENTENCES).format(subject=rng.choice([subject, *SUBJECTS]).lower(), form=form, place=place)
        for _ in range(count)
    )


def _row(rng, number):
    subject, form, place = rng.choice(SUBJECTS), rng.choice(FORMS), rng.choice(PLACES)
    title = f"{subject} {form}: {place} {number}"
    resolution = rng.random() < RESOLUTION_SHARE
    row = {
        "title": title,
        "slug": f"import-{number}-{subject.lower().replace(' ', '-')}" if rng.random() < OWN_SLUG_SHARE else "",
        "kind": "resolution" if resolution else rng.choice(KIND_SLUGS),
        "summary": _sentences(rng, 2, subject, form, place),
        "body": "\n\n".join(_sentences(rng, rng.randint(3, 8), subject, form, place) for _ in range(2)),
        "topics": ";".join(rng.sample(TOPIC_SLUGS, rng.randint(1, 3))),
        "audiences": ";".join(rng.sample(AUDIENCE_NAMES, rng.randint(0, 2))),
        "practices": ";".join(rng.sample(Practice.values, rng.randint(0, 2))),
        "publisher": rng.choice(PUBLISHERS),
        "partners": ";".join(rng.sample(PARTNERS, rng.choice([0, 0, 1, 2]))),
        "year_published": "",
        "external_url": f"https://example.org/imported/{number}",
        "year_adopted": "",
        "identifier": "",
        "submitting_committee": "",
        "adopting_conference": "",
        "status": "published" if rng.random() < PUBLISHED_SHARE else "draft",
    }
    if resolution:
        year = rng.randint(2000, 2025)
        committee = rng.choice(list(COMMITTEES))
        row.update(
            year_adopted=str(year),
            identifier=f"{committee}.{rng.randint(1, 999):03d}.{rng.choice('abc')}{year % 100:02d}",
            submitting_committee=COMMITTEES[committee],
            adopting_conference=f"{_ordinal(year - 1893)} Annual Conference, {rng.choice(CONFERENCE_CITIES)}",
            publisher="International Association of Chiefs of Police (IACP)",
        )
    else:
        row["year_published"] = str(rng.randint(1995, 2025))
    return row


def write_import_csv(path, rows, seed=2016):
    """Write a header and `rows` valid resource rows to `path` (UTF-8); returns `path`."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=HEADER)
        writer.writeheader()
        for number in range(1, rows + 1):
            writer.writerow(_row(rng, number))
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="Where to write the CSV.")
    parser.add_argument("rows", type=int, help="How many resource rows.")
    parser.add_argument("--seed", type=int, default=2016, help="Random seed (the same seed, the same file).")
    arguments = parser.parse_args()
    write_import_csv(arguments.path, arguments.rows, seed=arguments.seed)


if __name__ == "__main__":
    main()
