from django.core.management.base import BaseCommand

from fourfold.reminders import services, tasks


class Command(BaseCommand):
    help = (
        "Lapse the entries that waited too long for consent, then send the reminders that are "
        "due: shifts tomorrow, votes closing within 48 hours, balances overdue, entries waiting "
        "for a member's confirmation. Safe to run from cron, repeatedly: nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hourly",
            action="store_true",
            help="instead, queue a background task that sends them every hour "
            "(run by `fourfold manage db_worker`)",
        )

    def handle(self, *args, **options):
        if options["hourly"]:
            if tasks.schedule():
                self.stdout.write("The hourly reminder task is queued.")
            else:
                self.stdout.write("The hourly reminder task was queued already.")
            return
        done = services.round_run()
        self.stdout.write(
            f"{done.lapsed} entry(ies) lapsed, {done.sent} reminder(s) sent, "
            f"{done.pushed} push(es) delivered."
        )
