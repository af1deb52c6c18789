"""Load the demonstration agencies and pledges (`make run` calls this). Safe to run again."""

from django.core.management.base import BaseCommand

from pledges import services


class Command(BaseCommand):
    help = (
        "Create the demonstration agencies and pledges (marked as demo data, names starting “Demo:”) in every "
        "status. Agencies that already exist are left alone, so running it again creates nothing. No email is sent."
    )

    def handle(self, *args, **options):
        created = services.load_demo_pledges()
        total = len(services.DEMO_AGENCIES)
        self.stdout.write(self.style.SUCCESS(f"Demo pledges: created {created}, skipped {total - created} existing."))
