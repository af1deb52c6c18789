"""Settings for the test suite: the project's own settings in development mode.

Only the default changes (DEBUG=1 unless the environment says otherwise); every
value is still read by clearinghouse.settings, the one place that reads the
environment. pytest-django imports settings before any conftest runs, hence this
module rather than a conftest.
"""

import os

os.environ.setdefault("DEBUG", "1")

from clearinghouse.settings import *  # noqa: F403
