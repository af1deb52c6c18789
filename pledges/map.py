"""The roster's map: a tile-grid map of the United States, one square per state, shaded by agency count.

Drawn on the server as inline SVG (templates/pledges/includes/tile_map.html): no
tile server, no JavaScript. Fills are SVG presentation attributes, which the
Content-Security-Policy allows (it forbids style attributes). The same counts are
given as a table for people who cannot see the map.
"""

from dataclasses import dataclass

from pledges.constants import US_STATE_NAMES

# (column, row) of each state, after the NPR and FiveThirtyEight tile maps: neighbours
# stay near each other. The territories sit in a row of their own, Pacific to the left.
TILE_POSITIONS = {
    "AK": (0, 0), "ME": (10, 0),
    "VT": (9, 1), "NH": (10, 1),
    "WA": (0, 2), "ID": (1, 2), "MT": (2, 2), "ND": (3, 2), "MN": (4, 2), "IL": (5, 2), "WI": (6, 2),
    "MI": (7, 2), "NY": (8, 2), "RI": (9, 2), "MA": (10, 2),
    "OR": (0, 3), "NV": (1, 3), "WY": (2, 3), "SD": (3, 3), "IA": (4, 3), "IN": (5, 3), "OH": (6, 3),
    "PA": (7, 3), "NJ": (8, 3), "CT": (9, 3),
    "CA": (0, 4), "UT": (1, 4), "CO": (2, 4), "NE": (3, 4), "MO": (4, 4), "KY": (5, 4), "WV": (6, 4),
    "VA": (7, 4), "MD": (8, 4), "DE": (9, 4),
    "AZ": (1, 5), "NM": (2, 5), "KS": (3, 5), "AR": (4, 5), "TN": (5, 5), "NC": (6, 5), "SC": (7, 5),
    "DC": (8, 5),
    "OK": (3, 6), "LA": (4, 6), "MS": (5, 6), "AL": (6, 6), "GA": (7, 6),
    "HI": (0, 7), "TX": (3, 7), "FL": (8, 7),
    "GU": (0, 8), "MP": (1, 8), "AS": (2, 8), "PR": (9, 8), "VI": (10, 8),
}  # fmt: skip
TERRITORY_ROW = 8

TILE_SIZE = 46
TILE_GAP = 4
TERRITORY_GAP = 14  # Extra space above the territories' row.
COLUMNS = 1 + max(column for column, _row in TILE_POSITIONS.values())
ROWS = 1 + max(row for _column, row in TILE_POSITIONS.values())
WIDTH = COLUMNS * (TILE_SIZE + TILE_GAP) - TILE_GAP
HEIGHT = ROWS * (TILE_SIZE + TILE_GAP) - TILE_GAP + TERRITORY_GAP


@dataclass(frozen=True)
class ColorStep:
    """One shade of the scale: the counts it covers (maximum None: no upper bound) and its colours."""

    minimum: int
    maximum: int | None
    fill: str
    text: str

    @property
    def label(self):
        if self.maximum == 0:
            return "None"
        if self.maximum is None:
            return f"{self.minimum} or more"
        if self.minimum == self.maximum:
            return str(self.minimum)
        return f"{self.minimum}–{self.maximum}"

    def covers(self, count):
        return count >= self.minimum and (self.maximum is None or count <= self.maximum)


# USWDS gray-5 for none, then blue-10 to blue-80; every label has at least 4.5:1 contrast with its tile.
NO_AGENCIES = ColorStep(0, 0, fill="#f0f0f0", text="#1b1b1b")
COLOR_STEPS = (
    ColorStep(1, 1, fill="#d9e8f6", text="#1b1b1b"),
    ColorStep(2, 4, fill="#aacdec", text="#1b1b1b"),
    ColorStep(5, 9, fill="#73b3e7", text="#1b1b1b"),
    ColorStep(10, 24, fill="#2378c3", text="#ffffff"),
    ColorStep(25, None, fill="#162e51", text="#ffffff"),
)


def color_step(count):
    if count <= 0:
        return NO_AGENCIES
    return next(step for step in COLOR_STEPS if step.covers(count))


@dataclass(frozen=True)
class Tile:
    """One state's square. Coordinates are text, formatted once: the template only prints them."""

    code: str
    name: str
    count: int
    url: str  # The roster filtered by this state; empty when it has no agency.
    x: str
    y: str
    center_x: str
    center_y: str
    fill: str
    text_color: str

    @property
    def step(self):
        return color_step(self.count)

    @property
    def description(self):
        """The tooltip and accessible name: "Illinois: 3 agencies"."""
        noun = "agency" if self.count == 1 else "agencies"
        return f"{self.name}: {self.count} {noun}"


def _tile_geometry(column, row):
    x = column * (TILE_SIZE + TILE_GAP)
    y = row * (TILE_SIZE + TILE_GAP) + (TERRITORY_GAP if row >= TERRITORY_ROW else 0)
    return {"x": str(x), "y": str(y), "center_x": str(x + TILE_SIZE // 2), "center_y": str(y + TILE_SIZE // 2)}


TILE_GEOMETRY = {code: _tile_geometry(column, row) for code, (column, row) in TILE_POSITIONS.items()}


@dataclass(frozen=True)
class TileMap:
    tiles: list
    legend: tuple
    width: str = str(WIDTH)
    height: str = str(HEIGHT)
    tile_size: str = str(TILE_SIZE)


def tile_map(counts_by_state, url_for_state):
    """The map for `counts_by_state` ({"IL": 3, ...}); `url_for_state(code)` links a tile with agencies."""
    tiles = []
    for code in TILE_POSITIONS:
        count = counts_by_state.get(code, 0)
        step = color_step(count)
        tiles.append(
            Tile(
                code=code,
                name=US_STATE_NAMES[code],
                count=count,
                url=url_for_state(code) if count else "",
                fill=step.fill,
                text_color=step.text,
                **TILE_GEOMETRY[code],
            )
        )
    return TileMap(tiles=tiles, legend=(NO_AGENCIES, *COLOR_STEPS))
