"""The facet arrays each resource row carries on PostgreSQL (migration 0007), as ORM expressions.

They are not model fields (SQLite has no arrays, and the model state stays database-neutral),
so these expressions name the column themselves, on whatever alias the resource table has in
the query being compiled: a top-level query or a subquery alike.
"""

from django.db.models import BooleanField, Expression, Field

# Column: (SQL array type, what the array holds).
FACET_ARRAY_TYPES = {
    "facet_topic_ids": "integer[]",
    "facet_audience_ids": "integer[]",
    "facet_practices": "text[]",
}


class _ResourceColumn(Expression):
    def __init__(self, column, output_field=None):
        if column not in FACET_ARRAY_TYPES:
            raise ValueError(f"{column} is not a facet array")
        self.column = column
        super().__init__(output_field=output_field or Field())

    def _column_sql(self, compiler):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{compiler.connection.ops.quote_name(self.column)}"

    def __repr__(self):
        return f"{self.__class__.__name__}({self.column!r})"


class FacetArray(_ResourceColumn):
    """The array itself, e.g. to select it."""

    def as_sql(self, compiler, connection):
        return self._column_sql(compiler), []


class FacetArrayOverlaps(_ResourceColumn):
    """The resource carries at least one of `values` (`&&`, served by a GIN index)."""

    def __init__(self, column, values, containing_all=False):
        super().__init__(column, output_field=BooleanField())
        self.values = list(values)
        self.operator = "@>" if containing_all else "&&"

    def as_sql(self, compiler, connection):
        sql_type = FACET_ARRAY_TYPES[self.column]
        return f"({self._column_sql(compiler)} {self.operator} %s::{sql_type})", [self.values]


def carrying_all(column, values):
    """The resource carries every one of `values` (`@>`)."""
    return FacetArrayOverlaps(column, values, containing_all=True)
