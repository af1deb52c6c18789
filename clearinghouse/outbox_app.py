"""django-post-office's app, named for what staff see in the admin (decision 0013).

In its own module: a second AppConfig in clearinghouse/apps.py would stop Django from
picking ClearinghouseConfig as that app's default.
"""

from post_office.apps import PostOfficeConfig


class OutboxConfig(PostOfficeConfig):
    verbose_name = "Email outbox"
