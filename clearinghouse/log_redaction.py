"""Keep secrets and personal data out of every log line and error email the app writes.

Two kinds of text must never reach a log (issue 7, finding 6):

- The signed tokens of the agencies' private links (pledges/tokens.py): a verification
  token is `<base64 payload>:<timestamp>:<signature>`, a progress token
  `<base64 payload>:<signature>`, and both sit in the path after /pledge/verify/ or
  /pledge/progress/. Anyone who reads the token can act for the agency.
- Email addresses (agency contacts' addresses typed into a reviewer's admin search, or
  quoted in an error), plain or percent-encoded once or twice (`%40`, `%2540` in a
  `?next=` parameter).

`RedactSecretsFilter` rewrites a log record in place (its message, arguments, and the
text of an attached traceback), so it works on any handler, and every handler that sees
the record after it sees the redacted one. settings.LOGGING attaches it to every handler
(the console, Django's error email, runserver's request log); the gunicorn logger class
in clearinghouse/gunicorn_logging.py attaches it to gunicorn's access and error logs.
`RedactingExceptionReporter` does the same for the body of the 500 email to ADMINS.
"""

import logging
import re

from django.views.debug import ExceptionReporter

TOKEN_PLACEHOLDER = "[token]"
EMAIL_PLACEHOLDER = "[email]"

# A colon, literal or percent-encoded (a client or proxy may encode it in a path).
_COLON = r"(?::|%3[Aa])"
_BASE64 = r"[A-Za-z0-9_\-]"

# Whatever follows /verify/ or /progress/ in a pledge link is the token, valid or not: a truncated
# or mistyped live token is still most of a secret.
PRIVATE_LINK = re.compile(r"(/(?:verify|progress)/)[^/?#\s\"'<>]+")

# A signed value anywhere else (a referer, a query string, an exception message): base64 parts
# joined by colons and ending in a signature of 27 (SHA-1) or 43 (SHA-256) base64 characters.
SIGNED_VALUE = re.compile(
    rf"(?<!{_BASE64}){_BASE64}{{2,}}(?:{_COLON}{_BASE64}{{1,16}})?{_COLON}(?:{_BASE64}{{43}}|{_BASE64}{{27}})(?!{_BASE64})"
)

# An email address, with the @ literal or percent-encoded once (%40) or twice (%2540).
EMAIL_ADDRESS = re.compile(
    r"[A-Za-z0-9._%+\-]+(?:@|%40|%2540)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
    re.IGNORECASE,
)


def redact(text):
    """`text` with private-link tokens, other signed values and email addresses replaced by placeholders."""
    if not text:
        return text
    text = PRIVATE_LINK.sub(rf"\1{TOKEN_PLACEHOLDER}", text)
    text = SIGNED_VALUE.sub(TOKEN_PLACEHOLDER, text)
    return EMAIL_ADDRESS.sub(EMAIL_PLACEHOLDER, text)


class RedactSecretsFilter(logging.Filter):
    """A logging filter that redacts the record it passes (it never drops one).

    The message is formatted once with its arguments and stored redacted, with no
    arguments left; an attached traceback is rendered to text and redacted too, and
    kept as `exc_text`, which formatters print instead of rendering `exc_info` again.
    """

    _traceback_formatter = logging.Formatter()

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # A malformed log call must not silence the line: keep the raw text.
            message = f"{record.msg} {record.args}"
        record.msg = redact(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self._traceback_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RedactingExceptionReporter(ExceptionReporter):
    """The error email's report (plain text and HTML) with tokens and email addresses redacted.

    The report quotes the request URL, the referer, the query string and local
    variables, any of which may hold a private-link token or a contact's address.
    """

    def get_traceback_text(self):
        return redact(super().get_traceback_text())

    def get_traceback_html(self):
        return redact(super().get_traceback_html())
