"""Load the seed catalog: the resources of the IACP's mental health response page, and a few more.

Idempotent and respectful of curators: resources are keyed by slug, and one that
already exists is left exactly as it is (only missing resources are created).
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from resources import services
from resources.models import Audience, Resource, ResourceKind, Topic

DEFAULT_SEED_FILE = Path(__file__).resolve().parents[2] / "seed" / "seed-resources.json"

# The seed file keeps the kind names of the source list; these are the kind slugs
# seeded by migration 0002. A value that already is a kind slug is used as it is.
SEED_KIND_SLUGS = {
    "messaging_sheet": "messaging-sheet",
    "model_policy": "model-policy",
    "campaign_page": "campaign",
    "legislative_initiative": "legislative-initiative",
    "concepts_and_issues_paper": "concepts-and-issues-paper",
    "external_link": "external-link",
}


class Command(BaseCommand):
    help = (
        "Load the seed resources (resources/seed/seed-resources.json) as published resources. "
        "Safe to run again: resources that already exist (by slug) are skipped, never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_SEED_FILE, help="The seed file (JSON).")

    def handle(self, *args, **options):
        entries = self.read_entries(options["file"])
        with transaction.atomic():
            created, skipped = self.load(entries)
        self.stdout.write(self.style.SUCCESS(f"Seed resources: created {len(created)}, skipped {skipped} existing."))

    def read_entries(self, path):
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CommandError(f"No seed file at {path}.") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"The seed file {path} is not valid JSON: {error}") from error
        if not isinstance(entries, list):
            raise CommandError(f"The seed file {path} must hold a list of resources.")
        return entries

    def load(self, entries):
        kinds = {kind.slug: kind for kind in ResourceKind.objects.all()}
        topics = {topic.slug: topic for topic in Topic.objects.all()}
        audiences = {audience.slug: audience for audience in Audience.objects.all()}
        existing = set(
            Resource.objects.filter(slug__in=[entry.get("slug") for entry in entries]).values_list("slug", flat=True)
        )
        created = {}
        skipped = 0
        for entry in entries:
            slug = entry.get("slug")
            if not slug:
                raise CommandError(f"Seed entry “{entry.get('title')}” has no slug.")
            if slug in existing:
                skipped += 1
                continue
            try:
                created[slug] = services.resource_create(
                    **self.resource_fields(entry, kinds),
                    topics=self.look_up(entry, "topics", topics),
                    audiences=self.look_up(entry, "audiences", audiences),
                    practices=entry.get("practices", []),
                )
            except (ValidationError, ValueError) as error:
                raise CommandError(f"Seed entry “{slug}” is invalid: {error}") from error
            existing.add(slug)

        # Links between seed resources are set only on resources created now, so a
        # curator's later choice on an existing resource is never undone.
        for entry in entries:
            replacement_slug = entry.get("superseded_by")
            if replacement_slug and entry["slug"] in created:
                replacement = created.get(replacement_slug) or Resource.objects.filter(slug=replacement_slug).first()
                if replacement is None:
                    raise CommandError(f"Seed entry “{entry['slug']}” is superseded by unknown “{replacement_slug}”.")
                services.resource_mark_superseded(resource=created[entry["slug"]], superseded_by=replacement)
        return created, skipped

    def resource_fields(self, entry, kinds):
        kind_name = entry.get("kind") or ""
        kind = kinds.get(SEED_KIND_SLUGS.get(kind_name, kind_name))
        if kind is None:
            raise CommandError(f"Seed entry “{entry.get('slug')}” has an unknown kind “{kind_name}”.")
        year = entry.get("year")
        return {
            "title": entry["title"],
            "slug": entry["slug"],
            "kind": kind,
            "summary": entry.get("summary") or "",
            "body": entry.get("body") or "",
            "publisher": entry.get("publisher") or "",
            "partners": "\n".join(entry.get("partners") or []),
            # A resolution is listed under the year it was adopted; anything else under its publication year.
            "year_published": None if kind.is_resolution else year,
            "year_adopted": year if kind.is_resolution else None,
            "adopted_on": entry.get("adopted_on"),
            "identifier": entry.get("identifier") or "",
            "submitting_committee": entry.get("submitting_committee") or "",
            "adopting_conference": entry.get("adopting_conference") or "",
            "caution_note": entry.get("caution_note") or "",
            "external_url": entry.get("source_url") or "",
            "featured": bool(entry.get("featured")),
            "status": Resource.Status.PUBLISHED,
        }

    def look_up(self, entry, key, terms_by_slug):
        slugs = entry.get(key) or []
        unknown = [slug for slug in slugs if slug not in terms_by_slug]
        if unknown:
            raise CommandError(f"Seed entry “{entry.get('slug')}” has unknown {key}: {', '.join(unknown)}.")
        return [terms_by_slug[slug] for slug in slugs]
