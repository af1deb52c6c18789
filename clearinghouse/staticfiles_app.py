"""django.contrib.staticfiles, told which packaged files the portal never serves.

In its own module, as clearinghouse/outbox_app.py is: a second AppConfig in
clearinghouse/apps.py would stop Django from picking ClearinghouseConfig as its default.

USWDS's `dist/img` holds some 2,100 Material icons the portal never uses: collected,
hashed and compressed, they were most of a 16,000-file, 124 MB STATIC_ROOT and of a
70-second collectstatic on every deploy. Its own icons (usa-icons, sprite.svg) stay.
"""

from django.contrib.staticfiles.apps import StaticFilesConfig


class ClearinghouseStaticFilesConfig(StaticFilesConfig):
    # Django's defaults, then what is never served, matched by name at any depth: the unused icons,
    # the API documentation's ReDoc bundle (only Swagger UI is served) and USWDS's unminified script.
    # (Source maps stay: the hashed-name step follows each script's sourceMappingURL.)
    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "material-icons",
        "material-icons-deprecated",
        "redoc",
        "uswds.js",
    ]
