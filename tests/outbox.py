"""Reading delivered mail in tests: run the mail worker over the outbox, then read mail.outbox.

Mail is queued in the outbox with the change that sends it and delivered by the worker (decision
0013); tests/conftest.py points the worker's delivery at Django's locmem backend.
"""

from django.core import mail

from clearinghouse.mail import deliver_queued_mail


def sent_mail():
    """Deliver what is queued (as the worker would) and return every message delivered so far."""
    deliver_queued_mail()
    return mail.outbox
