"""`manage.py load_seed`: the seed catalog, loaded faithfully, once, without overwriting curators' edits."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clearinghouse.one_mind import Practice
from resources.models import Resource
from tests.resources.factories import ensure_seeded_vocabularies

pytestmark = pytest.mark.django_db

SEED_FILE = Path(__file__).resolve().parents[2] / "resources" / "seed" / "seed-resources.json"
SHARED_SEED_FILE = Path(__file__).resolve().parents[3] / "shared" / "seed-resources.json"


@pytest.fixture(autouse=True)
def vocabularies():
    ensure_seeded_vocabularies()


def load_seed(**options):
    out = io.StringIO()
    call_command("load_seed", stdout=out, **options)
    return out.getvalue()


def test_the_seed_loads_all_thirteen_resources_published():
    output = load_seed()

    assert "created 13, skipped 0 existing" in output
    assert Resource.objects.count() == 13
    assert set(Resource.objects.values_list("status", flat=True)) == {Resource.Status.PUBLISHED}
    assert not Resource.objects.filter(external_url="").exists()


def test_running_the_seed_twice_creates_no_duplicates_and_keeps_curators_edits():
    load_seed()
    edited = Resource.objects.get(slug="one-mind-campaign")
    edited.title = "The One Mind Campaign (edited by a curator)"
    edited.save()
    Resource.objects.get(slug="excited-delirium-syndrome").topics.clear()

    output = load_seed()

    assert "created 0, skipped 13 existing" in output
    assert Resource.objects.count() == 13
    assert Resource.objects.get(slug="one-mind-campaign").title == "The One Mind Campaign (edited by a curator)"
    assert not Resource.objects.get(slug="excited-delirium-syndrome").topics.exists()


def test_the_seed_recreates_only_a_missing_resource():
    load_seed()
    Resource.objects.filter(slug="support-for-mental-health-courts").delete()

    output = load_seed()

    assert "created 1, skipped 12 existing" in output
    assert Resource.objects.filter(slug="support-for-mental-health-courts").exists()


def test_kinds_are_mapped_to_the_vocabulary():
    load_seed()

    kinds = dict(Resource.objects.values_list("slug", "kind__slug"))
    assert kinds["mental-health-response-messaging-sheet"] == "messaging-sheet"
    assert kinds["responding-to-persons-affected-by-mental-illness-or-in-crisis"] == "model-policy"
    assert kinds["one-mind-campaign"] == "campaign"
    assert kinds["support-for-the-helping-families-in-mental-health-crisis-act"] == "legislative-initiative"
    assert kinds["building-safer-communities"] == "report"
    assert kinds["assisted-outpatient-treatment"] == "resolution"
    assert kinds["sharing-the-positive-using-stats-to-dispel-myths-and-clarify-facts"] == "article"


def test_resolutions_carry_their_adoption_details():
    load_seed()

    courts = Resource.objects.get(slug="support-for-mental-health-courts")
    assert courts.year_adopted == 2013
    assert courts.year_published is None
    assert courts.adopted_on == datetime.date(2013, 10, 23)
    assert courts.adopting_conference == "120th Annual Conference, Philadelphia"
    assert courts.submitting_committee == "Private Sector Liaison Committee"
    assert courts.sunset_date == datetime.date(2018, 10, 23)

    opioids = Resource.objects.get(slug="raising-awareness-that-opioid-abuse-may-lead-to-heroin-addiction")
    assert opioids.adopted_on == datetime.date(2014, 10, 21)
    assert opioids.adopting_conference == "121st Annual Conference, Orlando"
    assert opioids.submitting_committee == "Narcotics & Dangerous Drugs Committee"

    treatment = Resource.objects.get(slug="assisted-outpatient-treatment")
    assert (treatment.year_adopted, treatment.adopting_conference) == (2014, "121st Annual Conference, Orlando")

    excited_delirium = Resource.objects.get(slug="excited-delirium-syndrome")
    assert excited_delirium.year_adopted == 2015
    assert excited_delirium.submitting_committee == "Crime Prevention Committee"
    assert "contested" in excited_delirium.caution_note

    # No identifier is known for any seed resolution: none is made up.
    assert set(Resource.objects.filter(kind__slug="resolution").values_list("identifier", flat=True)) == {""}


def test_the_2018_model_policy_supersedes_the_2014_one():
    load_seed()

    old_policy = Resource.objects.get(slug="responding-to-persons-affected-by-mental-illness-or-in-crisis")
    new_policy = Resource.objects.get(slug="responding-to-persons-experiencing-a-mental-health-crisis")
    assert old_policy.superseded_by == new_policy
    assert new_policy.year_published == 2018
    assert new_policy.publisher == "IACP National Law Enforcement Policy Center"
    assert new_policy.kind.slug == "model-policy"


def test_practices_topics_audiences_and_partners_are_loaded():
    load_seed()

    campaign = Resource.objects.get(slug="one-mind-campaign")
    assert set(campaign.practices) == set(Practice)
    assert set(campaign.topics.values_list("slug", flat=True)) == {
        "partnerships",
        "policy",
        "crisis-intervention-team",
        "mental-health-first-aid",
        "training",
    }
    assert campaign.audiences.filter(slug="leadership").exists()
    assert campaign.partner_list() == [
        "National Council for Behavioral Health (Mental Health First Aid USA)",
        "Bureau of Justice Assistance",
    ]
    assert Resource.objects.get(slug="support-for-mental-health-courts").practices == []


def test_a_few_key_resources_are_featured():
    load_seed()

    assert set(Resource.objects.filter(featured=True).values_list("slug", flat=True)) == {
        "one-mind-campaign",
        "responding-to-persons-experiencing-a-mental-health-crisis",
        "building-safer-communities",
    }


def test_every_seed_resource_has_a_body_and_a_source_url():
    entries = json.loads(SEED_FILE.read_text(encoding="utf-8"))

    assert len(entries) == 13
    assert all(entry["body"] and entry["summary"] and entry["source_url"] for entry in entries)
    assert len({entry["slug"] for entry in entries}) == 13


@pytest.mark.skipif(not SHARED_SEED_FILE.exists(), reason="the shared seed list is not beside this checkout")
def test_the_seed_keeps_every_resource_of_the_shared_list():
    shared = json.loads(SHARED_SEED_FILE.read_text(encoding="utf-8"))
    ours = {entry["title"]: entry for entry in json.loads(SEED_FILE.read_text(encoding="utf-8"))}

    for original in shared:
        entry = ours[original["title"]]
        assert (entry["kind"], entry["year"], entry["source_url"]) == (
            original["kind"],
            original["year"],
            original["source_url"],
        )


def test_an_unknown_kind_in_the_seed_file_stops_the_load_and_saves_nothing(tmp_path):
    entries = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    entries[-1]["kind"] = "podcast"
    broken = tmp_path / "seed.json"
    broken.write_text(json.dumps(entries), encoding="utf-8")

    with pytest.raises(CommandError, match="unknown kind “podcast”"):
        load_seed(file=broken)

    assert Resource.objects.count() == 0


def test_an_invalid_seed_entry_stops_the_load_and_saves_nothing(tmp_path):
    entries = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    entries[-1]["source_url"] = None
    broken = tmp_path / "seed.json"
    broken.write_text(json.dumps(entries), encoding="utf-8")

    with pytest.raises(CommandError, match="is invalid"):
        load_seed(file=broken)

    assert Resource.objects.count() == 0
