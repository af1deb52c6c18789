"""Sitemaps split into sections, and sections into files that cost the same to serve however large the site.

/sitemap.xml (`index`) lists the files of the sections that clearinghouse/urls.py names;
`section_file` serves each at /sitemap-<section>.xml, one file per block of primary keys
(?p=2, ?p=3, ...). Both keep to the markup of django.contrib.sitemaps' views.
"""

from xml.sax.saxutils import escape

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.db.models import Subquery
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import http_date


class PrimaryKeyBlocks:
    """A section's files by blocks of primary keys: file p holds the rows whose key is in block p - 1.

    A block is `size` consecutive primary keys, so a file has at most `size` URLs and is read
    with a primary-key range rather than OFFSET: the last file of a large section costs what
    the first does, and serving one costs one query. Blocks without rows (drafts only, say)
    are not listed in the index (`page_numbers`).
    """

    def __init__(self, queryset, size):
        self.queryset = queryset.order_by("pk")
        self.size = size

    def _block(self, number):
        return self.queryset.filter(pk__gte=number * self.size, pk__lt=(number + 1) * self.size)

    @cached_property
    def page_numbers(self):
        """The numbers of the files that have rows, in order. Two queries, whatever the number of rows."""
        last = self.queryset.values_list("pk", flat=True).last()
        if last is None:
            return []
        blocks = range(last // self.size + 1)
        # One statement: a row (the last one) carrying each block's first primary key, each read by
        # walking the primary key from the block's start (in that order, whatever the joins).
        probes = {f"block_{block}": Subquery(self._block(block).values("pk")[:1]) for block in blocks}
        firsts = self.queryset.model._base_manager.filter(pk=last).annotate(**probes).values_list(*probes).get()
        return [block + 1 for block, first in zip(blocks, firsts, strict=True) if first is not None]

    def page(self, number):
        """The rows of file `number` (a queryset, empty if its block has none). No query until read."""
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer") from error
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return Page(self._block(number - 1), number, self)


class SectionSitemap(Sitemap):
    """A sitemap section whose files are blocks of `limit` primary keys (PrimaryKeyBlocks)."""

    limit = 5000

    @property
    def paginator(self):
        return PrimaryKeyBlocks(self.items(), self.limit)


def page_numbers(site):
    """The numbers of a section's files: its blocks with rows, or every page of a plain Sitemap."""
    paginator = site.paginator
    if isinstance(paginator, PrimaryKeyBlocks):
        return paginator.page_numbers
    return list(paginator.page_range)


@x_robots_tag
def index(request, sitemaps, section_url_name):
    """The sitemap index: every file of every section, as django.contrib.sitemaps.views.index lists them.

    Unlike that view it lists a section's files by their numbers (PrimaryKeyBlocks leaves out the
    blocks without rows) and gives no lastmod: the latest change of a section would take reading
    all of it.
    """
    files = []
    for section, sitemap_class in sitemaps.items():
        site = sitemap_class()
        path = reverse(section_url_name, kwargs={"section": section})
        location = f"{site.get_protocol(request.scheme)}://{get_current_site(request).domain}{path}"
        for number in page_numbers(site) or [1]:
            files.append(SitemapIndexItem(location if number == 1 else f"{location}?p={number}"))
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": files}, content_type="application/xml")


URLSET_START = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
URLSET_END = "</urlset>\n"


@x_robots_tag
def section_file(request, sitemaps, section):
    """One file of one section (`?p=` numbers them from 1), in the markup of django.contrib.sitemaps.views.sitemap.

    The XML is written here rather than through the sitemap template, which costs some 50 µs
    a URL (a quarter of a second for a file of 5,000). Only what these sections define is
    written: each URL's location and, where the section has one, its last change, as a date
    in the site's time zone. The response's Last-Modified is the file's latest change.
    """
    if section not in sitemaps:
        raise Http404(f"No sitemap section named {section!r}.")
    site = sitemaps[section]()
    try:
        page = site.paginator.page(request.GET.get("p", 1))
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404(f"No file {request.GET.get('p')!r} in this sitemap section.") from error
    base = f"{site.get_protocol(request.scheme)}://{get_current_site(request).domain}"
    lastmod = getattr(site, "lastmod", None)
    zone = timezone.get_current_timezone()  # Once, not once a URL (timezone.localtime looks it up each time).
    parts = [URLSET_START]
    latest = None
    for item in page.object_list:
        location = escape(f"{base}{site.location(item)}")
        changed = lastmod(item) if lastmod else None
        if changed is None:
            parts.append(f"<url><loc>{location}</loc></url>\n")
            continue
        latest = changed if latest is None or changed > latest else latest
        parts.append(f"<url><loc>{location}</loc><lastmod>{changed.astimezone(zone).date()}</lastmod></url>\n")
    if len(parts) == 1 and page.number > 1:
        raise Http404("This file of the sitemap section has no URL (any more).")
    parts.append(URLSET_END)
    response = HttpResponse("".join(parts), content_type="application/xml")
    if latest is not None:
        response.headers["Last-Modified"] = http_date(latest.timestamp())
    return response
