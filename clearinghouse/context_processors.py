from django.conf import settings


def site(request):
    """Names every template may use for the site's own identity."""
    return {
        "SITE_NAME": "Mental Health Response Clearinghouse",
        "SITE_URL": settings.SITE_URL,
    }
