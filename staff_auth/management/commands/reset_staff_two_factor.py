"""Remove a staff member's authenticator app, for a reviewer who lost their phone (decision 0014).

    manage.py reset_staff_two_factor USERNAME

The staff member then signs in with their password alone and, if their role requires
two-factor authentication (STAFF_2FA_REQUIRED), is asked to set up a new app at once.
A lockout from failed attempts is lifted separately: manage.py axes_reset_username USERNAME.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from staff_auth.two_factor import remove_devices


class Command(BaseCommand):
    help = "Remove a staff member's two-factor authenticator app so they can sign in and set up a new one."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The staff member's username.")

    def handle(self, *args, username, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get_by_natural_key(username)
        except user_model.DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        removed = remove_devices(user)
        if removed:
            self.stdout.write(
                f"Removed {removed} two-factor device(s) of {username}. They sign in with their password now."
            )
        else:
            self.stdout.write(f"{username} had no two-factor device: nothing to remove.")
