"""gunicorn's access and error logs, with private-link tokens and email addresses redacted.

gunicorn writes its own logs, outside Django's LOGGING. Its access log line holds the
request line, the path, the query string and the referer, which carry the agencies'
private-link tokens and the email addresses reviewers search for. This logger class
puts clearinghouse.log_redaction's filter on every handler gunicorn sets up, so the
usual access-log format stays useful and nothing secret is written:

    gunicorn clearinghouse.wsgi --logger-class clearinghouse.gunicorn_logging.RedactingLogger \
        --access-logfile - ...
"""

from gunicorn.glogging import Logger

from clearinghouse.log_redaction import RedactSecretsFilter


class RedactingLogger(Logger):
    """gunicorn's Logger with RedactSecretsFilter on the access and error logs' handlers."""

    def setup(self, cfg):
        super().setup(cfg)
        self.add_redaction()

    def reopen_files(self):
        super().reopen_files()
        self.add_redaction()

    def add_redaction(self):
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(existing, RedactSecretsFilter) for existing in handler.filters):
                    handler.addFilter(RedactSecretsFilter())
