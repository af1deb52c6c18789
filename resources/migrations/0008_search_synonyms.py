"""Curated search synonyms, managed by Curators, and the title words "did you mean" draws from (issue 6).

- SearchSynonym: sets of equivalent terms, seeded with the field's common abbreviations and
  spellings. A set already present (any of its terms, in any row) is left alone, so curators'
  edits win and running this again adds nothing.
- SearchWord: the words of published titles and of kind, topic and audience names, filled here
  from those already there; on PostgreSQL a trigram index finds the ones spelled like a
  misspelled word.
- The Curators group may add, change, delete and view synonyms (as migration 0004 does for the
  catalog, permissions are created first: on a fresh database they do not exist yet).

The seed data, group name and word pattern are written out here, frozen with the migration.
"""

import re

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

CURATORS_GROUP = "Curators"  # resources.roles.CURATORS_GROUP
SYNONYM_PERMISSIONS = ("add_searchsynonym", "change_searchsynonym", "delete_searchsynonym", "view_searchsynonym")

# (terms, note). Left out on purpose: "ED" (excited delirium, but also emergency department and
# education), "LEO" and "BH": abbreviations that mean other things too would add wrong results.
SEED_SYNONYMS = [
    ("CIT, crisis intervention team", "The Memphis model: specially trained officers and its 40-hour course."),
    ("CRIT, crisis response and intervention training", "IACP's course, named as an equivalent of CIT."),
    ("MHFA, mental health first aid", ""),
    ("AOT, assisted outpatient treatment", "Court-ordered treatment in the community."),
    (
        "988, suicide and crisis lifeline, national suicide prevention lifeline",
        "988 replaced the National Suicide Prevention Lifeline's number in July 2022.",
    ),
    ("SIM, sequential intercept model", ""),
    ("co-responder, coresponder, co-responder team, co-responder program, co-responder model", ""),
    ("stats, statistics", ""),
    ("EMS, emergency medical services", ""),
    ("PERF, Police Executive Research Forum", ""),
    ("BJA, Bureau of Justice Assistance", ""),
    ("SAMHSA, Substance Abuse and Mental Health Services Administration", ""),
    ("NAMI, National Alliance on Mental Illness", ""),
    ("IACP, International Association of Chiefs of Police", ""),
    ("de-escalation, deescalation", "Both spellings are in use."),
    ("mobile crisis, mobile crisis team, mobile crisis unit", ""),
    ("MOU, memorandum of understanding", ""),
    (
        "ExDS, excited delirium, excited delirium syndrome",
        "“ED” is left out on purpose: it also stands for emergency department.",
    ),
    ("PDMP, prescription drug monitoring program, prescription monitoring program", ""),
    ("SMI, serious mental illness, severe mental illness", ""),
    ("IDD, intellectual and developmental disabilities", ""),
    ("PTSD, post-traumatic stress disorder", ""),
    ("naloxone, Narcan", "Narcan is a brand of naloxone."),
    ("wellbeing, well-being", ""),
    ("program, programme", "American and British spellings."),
    ("behavioral, behavioural", "American and British spellings."),
    ("hospitalization, hospitalisation", "American and British spellings."),
]

# resources.search.suggestions.vocabulary_words, as it was when this migration was written.
VOCABULARY_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

TERM_MODELS = ("ResourceKind", "Topic", "Audience")
TRIGRAM_INDEX = "resources_searchword_word_trgm"


def _terms(text):
    return {" ".join(piece.lower().split()) for piece in re.split(r"[,\n]", text) if piece.strip()}


def seed_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("resources", "SearchSynonym")
    existing = set()
    for text in SearchSynonym.objects.values_list("terms", flat=True):
        existing |= _terms(text)
    for terms, note in SEED_SYNONYMS:
        if not _terms(terms) & existing:
            SearchSynonym.objects.create(terms=terms, note=note)


def grant_curators(apps, schema_editor):
    resources_config = apps.get_app_config("resources")
    # Migration-state app configs have no models module, which create_permissions takes to
    # mean "no models": flag it for the call, then put it back (as migration 0004 does).
    models_module = getattr(resources_config, "models_module", None)
    resources_config.models_module = models_module or True
    try:
        create_permissions(resources_config, verbosity=0, using=schema_editor.connection.alias, apps=apps)
    finally:
        resources_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(Permission.objects.filter(content_type__app_label="resources", codename__in=SYNONYM_PERMISSIONS))
    missing = sorted(set(SYNONYM_PERMISSIONS) - {permission.codename for permission in permissions})
    if missing:
        raise RuntimeError(f"Permissions missing for the Curators group: {', '.join(missing)}")
    group, _created = Group.objects.get_or_create(name=CURATORS_GROUP)
    group.permissions.add(*permissions)


def fill_search_words(apps, schema_editor):
    texts = [apps.get_model("resources", "Resource").objects.filter(status="published").values_list("title", flat=True)]
    texts += [apps.get_model("resources", name).objects.values_list("name", flat=True) for name in TERM_MODELS]
    words = set()
    for queryset in texts:
        for text in queryset.iterator(chunk_size=5000):
            words |= {word for word in VOCABULARY_WORD.findall(text.lower()) if 3 <= len(word) <= 60}
    SearchWord = apps.get_model("resources", "SearchWord")
    SearchWord.objects.bulk_create([SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True)


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON resources_searchword USING gin (word gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0007_facet_arrays"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchSynonym",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "terms",
                    models.TextField(
                        help_text=(
                            "Two or more terms that mean the same, separated by commas or one a line, e.g. "
                            "“CIT, crisis intervention team”. Words, abbreviations or phrases; capitals do not "
                            "matter, and a final “s” is ignored, so “teams” also matches “team”."
                        )
                    ),
                ),
                (
                    "note",
                    models.CharField(
                        blank=True,
                        help_text="Why these are equivalent, or what was deliberately left out (shown to curators only).",
                        max_length=255,
                    ),
                ),
            ],
            options={"verbose_name": "search synonym", "ordering": ["terms"]},
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[("word", models.CharField(max_length=60, primary_key=True, serialize=False))],
            options={"verbose_name": "search word"},
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
        migrations.RunPython(seed_synonyms, migrations.RunPython.noop),
        migrations.RunPython(grant_curators, migrations.RunPython.noop),
        migrations.RunPython(fill_search_words, migrations.RunPython.noop),
    ]
