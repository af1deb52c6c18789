"""Staff roles for the catalog.

The groups themselves, and their permissions, are created by data migrations
(resources/migrations/0004_curators_group.py), so every environment has them.
"""

# Staff who curate the catalog: add and edit resources and the vocabularies that
# describe them. Nothing in the pledges app.
CURATORS_GROUP = "Curators"
