"""Seed the curated vocabularies: resource kinds, topics (from the field's own vocabulary) and audiences.

Later edits by curators win: a term that already exists (by slug) is left alone.
"""

from django.db import migrations

KINDS = [
    ("model-policy", "Model policy", "Model policies"),
    ("concepts-and-issues-paper", "Concepts and issues paper", "Concepts and issues papers"),
    ("report", "Report", "Reports"),
    ("resolution", "Resolution", "Resolutions"),
    ("legislative-initiative", "Legislative initiative", "Legislative initiatives"),
    ("messaging-sheet", "Messaging sheet", "Messaging sheets"),
    ("article", "Article", "Articles"),
    ("campaign", "Campaign", "Campaigns"),
    ("toolkit", "Toolkit", "Toolkits"),
    ("training", "Training", "Training"),
    ("video", "Video", "Videos"),
    ("external-link", "External link", "External links"),
]

TOPICS = [
    ("crisis-intervention-team", "Crisis intervention teams (CIT/CRIT)"),
    ("mental-health-first-aid", "Mental Health First Aid"),
    ("co-responder", "Co-responder and embedded-clinician models"),
    ("mobile-crisis", "Mobile crisis"),
    ("988-and-911", "988 and 911 coordination, dispatch"),
    ("de-escalation", "De-escalation"),
    ("policy", "Policy"),
    ("partnerships", "Partnerships"),
    ("diversion", "Diversion and the Sequential Intercept Model"),
    ("courts", "Courts and assisted outpatient treatment"),
    ("substance-use", "Substance use"),
    ("behavioral-health-emergencies", "Behavioral health emergencies"),
    ("officer-safety-wellness", "Officer safety and wellness"),
    ("data-and-transparency", "Data and transparency"),
    ("intellectual-developmental-disabilities", "Intellectual and developmental disabilities"),
    ("legislation", "Legislation"),
    ("training", "Training"),
    ("victims", "Victims"),
    ("excited-delirium", "Excited delirium (contested term)"),
]

AUDIENCES = [
    ("officers", "Officers"),
    ("leadership", "Leadership"),
    ("trainers", "Trainers"),
    ("dispatch", "Dispatch and 911"),
    ("mental-health-partners", "Mental health partners"),
    ("community", "Community"),
]


def seed_vocabularies(apps, schema_editor):
    ResourceKind = apps.get_model("resources", "ResourceKind")
    Topic = apps.get_model("resources", "Topic")
    Audience = apps.get_model("resources", "Audience")
    for order, (slug, name, plural) in enumerate(KINDS):
        ResourceKind.objects.get_or_create(
            slug=slug, defaults={"name": name, "plural_name": plural, "sort_order": order}
        )
    for order, (slug, name) in enumerate(TOPICS):
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})
    for order, (slug, name) in enumerate(AUDIENCES):
        Audience.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunPython(seed_vocabularies, migrations.RunPython.noop)]
