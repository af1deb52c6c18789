"""Paths of one URL pattern for many objects at once (a page of rows, a sitemap file)."""

from django.urls import reverse

SLUG_PLACEHOLDER = "slug-placeholder"


def slug_path_maker(view_name):
    """slug -> the path of `view_name` for that slug, reversing the URL pattern once rather than once a slug.

    A slug is letters, digits, hyphens and underscores, which a path never quotes.
    """
    prefix, suffix = reverse(view_name, kwargs={"slug": SLUG_PLACEHOLDER}).split(SLUG_PLACEHOLDER)
    return lambda slug: f"{prefix}{slug}{suffix}"
