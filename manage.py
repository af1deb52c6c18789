#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# The project's own configuration; a shell with none of it set is a bare development checkout.
CONFIGURATION_VARIABLES = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")
    # Development works with no configuration at all (docs/decisions/0001). A production shell
    # or cron job always has DATABASE_URL, so it stays in production mode and still refuses to
    # start without SECRET_KEY. The WSGI entry point never takes this default.
    if not any(os.environ.get(name) for name in CONFIGURATION_VARIABLES):
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
