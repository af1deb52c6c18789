from django.conf import settings


def site_identity():
    """The site's name and address: what every page may say about the site, with or without a request."""
    return {
        "SITE_NAME": "Mental Health Response Clearinghouse",
        "SITE_URL": settings.SITE_URL,
    }


def site(request):
    """Names every template may use for the site's own identity."""
    return site_identity()
