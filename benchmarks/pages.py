"""The pages `make bench` measures, the addresses each run requests, and the targets (issue 6).

Two modes:
- cold: every request a distinct address (other query words, filters, pages, resources; for
  home and the sitemap files, which take no parameters, a harmless `v=N`), so no cache of pages
  or query results can answer it: what the first visitor to each address gets.
- warm: the same few addresses again and again, as real traffic concentrates on the home page,
  the catalog's first page, popular resources and the roster. Judged by throughput, as a share
  of a plain Django view's (/healthz) measured in the same run.

The address generators are plain functions of `SiteFacts` (what the loaded database holds) and
a seeded random stream, so the tests can check them without a server.
"""

import math
import random
from dataclasses import dataclass, field
from urllib.parse import urlencode

from clearinghouse.one_mind import Practice

PLAIN_VIEW_PATH = "/healthz"
CATALOG_PAGE_SIZE = 20  # resources.views.PAGE_SIZE
ROSTER_PAGE_SIZE = 50  # pledges.views.roster.ROSTER_PAGE_SIZE
SORTS = ("newest", "year", "title")
ROSTER_STATUSES = ("approved", "completed", "lapsed")
SIZE_BANDS = ("1-24", "25-49", "50-99", "100-249", "250-999", "1000-")
AGENCY_TYPES = (
    "municipal_police", "sheriff", "state_police", "county_police", "campus", "tribal", "transit",
    "port_airport", "school_district", "federal", "other",
)  # fmt: skip
# What people type, misspellings included, with how often (relative).
SEARCH_QUERIES = {
    "crisis intervention": 10,
    "CIT": 8,
    "988": 6,
    "co-responder": 6,
    "mental health first aid": 6,
    "model policy": 6,
    "de-escalation training": 6,
    "excited delirium": 3,
    "suicide by cop": 3,
    "delirum": 2,
    "crisis intervantion": 2,
    "legislation": 3,
    "naloxone": 3,
    "mobile crisis team": 4,
    "sequential intercept model": 2,
    "assisted outpatient treatment": 2,
    "MHFA": 3,
    "officer wellness peer support": 2,
    "autism": 2,
    "homeless outreach": 2,
    "dispatch 988 911": 2,
    "jail reentry": 1,
}
# Candidates for "a word found in most resources": the one in the largest share is searched.
COMMON_WORD_CANDIDATES = ("training", "officers")
COMMON_WORD_MINIMUM_SHARE = 0.5


@dataclass(frozen=True)
class Target:
    """A p95 latency ceiling (cold) or a minimum share of the plain view's throughput (warm)."""

    p95_ms: float | None = None
    minimum_ratio: float | None = None

    def describe(self):
        if self.p95_ms is not None:
            return f"p95 ≤ {self.p95_ms:.0f} ms"
        if self.minimum_ratio is not None:
            return f"≥ {self.minimum_ratio:.0%} of plain"
        return "none"


@dataclass
class Page:
    """One row of the table: what is measured, in which mode, against which target."""

    key: str  # for --only
    name: str
    mode: str  # "cold", "warm" or "plain"
    target: Target | None
    paths: list  # requested in turn; distinct in cold mode
    warm_up_paths: list = field(default_factory=list)


@dataclass
class SiteFacts:
    """What the loaded database holds, as far as the addresses need it."""

    published_slugs: list
    published_count: int
    kinds: list
    topics: list
    audiences: list
    public_agency_slugs: list
    public_agency_count: int
    roster_states: list
    roster_words: list
    common_word: str
    common_word_share: float
    years: tuple = (1995, 2025)
    practices: list = field(default_factory=lambda: list(Practice.values))
    # (published_at ISO, title, id) of sampled published resources: where deep API pages start.
    resource_keys: list = field(default_factory=list)

    @property
    def catalog_pages(self):
        return max(1, math.ceil(self.published_count / CATALOG_PAGE_SIZE))

    @property
    def roster_pages(self):
        return max(1, math.ceil(self.public_agency_count / ROSTER_PAGE_SIZE))

    @classmethod
    def from_database(cls, rng, *, sample=40_000):
        """Read the facts from the database Django is connected to."""
        from django.db.models import Q

        from pledges.selectors import current_public_pledges
        from resources.models import Audience, Resource, ResourceKind, Topic

        published = Resource.objects.published()
        slugs = list(published.values_list("slug", flat=True))
        rng.shuffle(slugs)
        public = current_public_pledges(include_demo=False)
        agency_slugs = list(public.values_list("agency__slug", flat=True))
        rng.shuffle(agency_slugs)
        names = public.values_list("agency__name", "agency__city")[:5000]
        words = sorted({word for name, city in names for word in f"{name} {city}".split() if len(word) > 3})
        shares = {}
        for word in COMMON_WORD_CANDIDATES:
            matching = published.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word))
            shares[word] = matching.count() / max(1, len(slugs))
        common_word = max(shares, key=shares.get)
        # Random resources anywhere in the catalog's newest-first order: the API's deep pages start after them.
        keys = list(published.order_by("?").values_list("published_at", "title", "id")[:sample])
        return cls(
            resource_keys=[(published_at.isoformat(), title, pk) for published_at, title, pk in keys],
            published_slugs=slugs[:sample],
            published_count=len(slugs),
            kinds=list(ResourceKind.objects.values_list("slug", flat=True)),
            topics=list(Topic.objects.values_list("slug", flat=True)),
            audiences=list(Audience.objects.values_list("slug", flat=True)),
            public_agency_slugs=agency_slugs[:sample],
            public_agency_count=len(agency_slugs),
            roster_states=sorted(set(public.filter(agency__country="US").values_list("agency__state", flat=True))),
            roster_words=words,
            common_word=common_word,
            common_word_share=shares[common_word],
        )


# --- Address generators ---------------------------------------------------------------------------


def _distinct(make_one, count, rng, *, attempts_per_address=20):
    """Up to `count` distinct addresses from make_one(rng), in the order first made."""
    seen = {}
    for _attempt in range(count * attempts_per_address):
        if len(seen) >= count:
            break
        seen.setdefault(make_one(rng), None)
    return list(seen)


def _with_query(path, params):
    params = [(name, value) for name, value in params if value not in (None, "")]
    return f"{path}?{urlencode(params)}" if params else path


def _early_page(rng, pages):
    """A page number from 1 to `pages`, the first pages far more likely (people rarely page far)."""
    return min(pages, int(pages ** rng.random()))


def _catalog_filters(rng, facts, how_many):
    """`how_many` different facet filters of the catalog, as (name, value) pairs."""
    makers = {
        "topic": lambda: [("topic", slug) for slug in rng.sample(facts.topics, rng.choice((1, 1, 2)))],
        "kind": lambda: [("kind", rng.choice(facts.kinds))],
        "audience": lambda: [("audience", rng.choice(facts.audiences))],
        "practice": lambda: [("practice", rng.choice(facts.practices))],
        "year_min": lambda: [("year_min", rng.randint(facts.years[0], facts.years[1] - 3))],
        "year_max": lambda: [("year_max", rng.randint(facts.years[0] + 10, facts.years[1]))],
        "in_force": lambda: [("kind", "resolution"), ("in_force", rng.choice(("yes", "no")))],
    }
    params = []
    for name in rng.sample(list(makers), how_many):
        params.extend(makers[name]())
    # year_min above year_max is a form error the page reports: keep the filters valid.
    years = {name: value for name, value in params if name.startswith("year")}
    if len(years) == 2 and years["year_min"] > years["year_max"]:
        params = [(name, value) for name, value in params if name != "year_max"]
    return params


def home_paths(facts, count, rng):
    return [f"/?v={number}" for number in range(1, count + 1)]


def resource_paths(facts, count, rng):
    return [f"/resources/{slug}/" for slug in facts.published_slugs[:count]]


def agency_paths(facts, count, rng):
    return [f"/pledge/agencies/{slug}/" for slug in facts.public_agency_slugs[:count]]


def catalog_paths(facts, count, rng):
    def make(rng):
        page = _early_page(rng, facts.catalog_pages)
        sort = rng.choice(("",) * 3 + SORTS)
        return _with_query("/resources/", [("sort", sort), ("page", page if page > 1 else "")])

    return _distinct(make, count, rng)


def filtered_catalog_paths(facts, count, rng):
    def make(rng):
        params = _catalog_filters(rng, facts, rng.choice((1, 1, 2, 2, 3)))
        if rng.random() < 0.2:
            params.append(("sort", rng.choice(SORTS)))
        if rng.random() < 0.3:
            params.append(("page", rng.randint(2, 5)))
        return _with_query("/resources/", params)

    return _distinct(make, count, rng)


def search_paths(facts, count, rng):
    queries, weights = list(SEARCH_QUERIES), list(SEARCH_QUERIES.values())

    def make(rng):
        params = [("q", rng.choices(queries, weights)[0])]
        if rng.random() < 0.35:
            params.extend(_catalog_filters(rng, facts, 1))
        if rng.random() < 0.15:
            params.append(("sort", rng.choice(SORTS)))
        roll = rng.random()
        if roll > 0.6:
            params.append(("page", 2 if roll < 0.8 else rng.randint(3, 5)))
        return _with_query("/resources/", params)

    return _distinct(make, count, rng)


def common_word_paths(facts, count, rng):
    pages = max(1, math.ceil(facts.published_count * facts.common_word_share / CATALOG_PAGE_SIZE))

    def make(rng):
        params = [("q", facts.common_word)]
        if rng.random() < 0.25:
            params.extend(_catalog_filters(rng, facts, 1))
        if rng.random() < 0.25:
            params.append(("sort", rng.choice(SORTS)))
        page = _early_page(rng, pages)
        params.append(("page", page if page > 1 else ""))
        return _with_query("/resources/", params)

    return _distinct(make, count, rng)


def feed_paths(facts, count, rng):
    queries = list(SEARCH_QUERIES)

    def make(rng):
        params = []
        if rng.random() < 0.5:
            params.append(("q", rng.choice(queries)))
        params.extend(_catalog_filters(rng, facts, rng.choice((0, 1, 1, 2)) if params else rng.choice((1, 2))))
        return _with_query("/resources/feed/", params)

    return _distinct(make, count, rng)


def roster_paths(facts, count, rng):
    def make(rng):
        params = []
        filters = rng.choice((0, 1, 1, 1, 2, 2))
        makers = {
            "state": lambda: ("state", rng.choice(facts.roster_states)),
            "status": lambda: ("status", rng.choice(ROSTER_STATUSES)),
            "agency_type": lambda: ("agency_type", rng.choice(AGENCY_TYPES)),
            "size": lambda: ("size", rng.choice(SIZE_BANDS)),
            "year": lambda: ("year", rng.randint(2017, 2025)),
            "q": lambda: ("q", rng.choice(facts.roster_words)),
            "country": lambda: ("country", "outside-us"),
        }
        for name in rng.sample(list(makers), filters):
            params.append(makers[name]())
        if not params:
            params.append(("page", _early_page(rng, facts.roster_pages)))
        elif rng.random() < 0.2:
            params.append(("page", 2))
        return _with_query("/pledge/agencies/", [(name, value) for name, value in params if value != 1])

    return _distinct(make, count, rng)


def sitemap_file_paths(sitemap_path, count):
    separator = "&" if "?" in sitemap_path else "?"
    return [f"{sitemap_path}{separator}v={number}" for number in range(1, count + 1)]


def api_first_page_paths(facts, count, rng):
    """The API's resource list, first pages: filters as on the catalog page, page sizes and sorts."""

    def make(rng):
        params = _catalog_filters(rng, facts, rng.choice((0, 1, 1, 2)))
        if rng.random() < 0.2:
            params.append(("sort", rng.choice(SORTS)))
        params.append(("page_size", rng.choice((20, 50, 50, 100))))
        return _with_query("/api/v1/resources/", params)

    return _distinct(make, count, rng)


def api_deep_page_paths(facts, count, rng):
    """The API's resource list (newest first, 50 a page), each page starting after a random resource:
    on average half way down the catalog, page 1,000 of 100,000 resources."""
    from api.pagination import KeysetOrder
    from api.views import RESOURCE_ORDERS
    from resources.filters import SortOrder

    order: KeysetOrder = RESOURCE_ORDERS[SortOrder.NEWEST]
    keys = facts.resource_keys[:count]
    return [_with_query("/api/v1/resources/", [("cursor", order.encode(list(key)))]) for key in keys]


COLD_PAGES = (
    # key, name, address generator, p95 target (ms)
    ("home", "home", home_paths, 100),
    ("resource", "resource page", resource_paths, 100),
    ("catalog", "catalog /resources/", catalog_paths, 150),
    ("filtered", "catalog, filtered", filtered_catalog_paths, 150),
    ("roster", "roster /pledge/agencies/", roster_paths, 150),
    ("search", "search, realistic mix", search_paths, 200),
    ("word", "search, word in most resources", common_word_paths, 400),
    ("feed", "feeds /resources/feed/", feed_paths, 150),
    ("agency", "agency page", agency_paths, None),  # no target in issue 6: for information
    # Issue 8 asks for these numbers, without a target: for information.
    ("api", "API /api/v1/resources/, first page", api_first_page_paths, None),
    ("apideep", "API /api/v1/resources/, deep cursor page", api_deep_page_paths, None),
)
SITEMAP_P95_MS = 300
WARM_RATIO = 0.30
POPULAR_RESOURCES = 10


def _split_warm_up(paths, warm_up_count):
    """(measured, warm-up) addresses: the warm-up takes its own, so the measured ones are still unseen.

    A small catalog may give fewer addresses than asked (a few hundred agencies): the warm-up then
    takes a tenth, and the measurement the rest.
    """
    warm_up_count = min(warm_up_count, len(paths) // 10)
    return paths[warm_up_count:], paths[:warm_up_count]


def build_pages(facts, *, sitemap_files, cold_count, warm_up_count, only=None, seed=6):
    """Every row to measure, in order: the plain view, the cold pages, the sitemap files, the warm pages.

    `sitemap_files`: the paths /sitemap.xml serves or, if it is an index, the files it lists.
    `only`: keys to keep (the plain view is always measured: the ratios need it).
    """
    rng = random.Random(seed)
    wanted = (lambda key: True) if not only else (lambda key: key in only)
    pages = [Page("plain", f"plain Django view {PLAIN_VIEW_PATH}", "plain", None, [PLAIN_VIEW_PATH], [PLAIN_VIEW_PATH])]
    for key, name, generator, p95_ms in COLD_PAGES:
        if not wanted(key):
            continue
        measured, warm_up = _split_warm_up(generator(facts, cold_count + warm_up_count, rng), warm_up_count)
        target = Target(p95_ms=p95_ms) if p95_ms else None
        pages.append(Page(key, name, "cold", target, measured, warm_up))
    if wanted("sitemap"):
        for sitemap_path in sitemap_files:
            paths = sitemap_file_paths(sitemap_path, cold_count + warm_up_count)
            pages.append(
                Page(
                    "sitemap", f"sitemap {sitemap_path}", "cold", Target(p95_ms=SITEMAP_P95_MS),
                    paths[warm_up_count:], paths[:warm_up_count],
                )
            )  # fmt: skip
    warm = (
        ("home", "home /", ["/"]),
        ("catalog", "catalog /resources/", ["/resources/"]),
        ("resource", f"resource page ({POPULAR_RESOURCES} popular)", resource_paths(facts, POPULAR_RESOURCES, rng)),
        ("roster", "roster /pledge/agencies/", ["/pledge/agencies/"]),
    )
    for key, name, paths in warm:
        if wanted(key):
            pages.append(Page(key, name, "warm", Target(minimum_ratio=WARM_RATIO), paths, paths))
    return pages


PAGE_KEYS = ("plain", *(key for key, *_rest in COLD_PAGES), "sitemap")
