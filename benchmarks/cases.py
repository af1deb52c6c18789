from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One page to measure: a name for the table and the path the test client requests."""

    name: str
    path: str
