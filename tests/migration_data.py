"""Re-running data migrations in tests.

Transactional tests flush the rows that data migrations create, and --reuse-db keeps
the flushed database; the helpers in the factories modules call the migrations' own
(idempotent) functions against the current models to put those rows back.
"""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection


def run_data_migration(module_path, function_name):
    """Call `function_name` of the migration module `module_path` (e.g. "resources.migrations.0002_x")."""
    migration = importlib.import_module(module_path)
    getattr(migration, function_name)(apps, SimpleNamespace(connection=connection))
