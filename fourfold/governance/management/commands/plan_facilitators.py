from django.core.management.base import BaseCommand

from fourfold.governance import tasks


class Command(BaseCommand):
    help = (
        "Plan the facilitator of each coming month in every co-op, by the fair rotation. "
        "Safe to run from cron, repeatedly: a month already given keeps its facilitator."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--daily",
            action="store_true",
            help="instead, queue a background task that plans them every day "
            "(run by `fourfold manage db_worker`)",
        )

    def handle(self, *args, **options):
        if options["daily"]:
            if tasks.schedule_facilitators():
                self.stdout.write("The daily facilitator task is queued.")
            else:
                self.stdout.write("The daily facilitator task was queued already.")
            return
        planned = tasks.facilitators_plan_all()
        self.stdout.write(f"Facilitators planned in {planned} co-op(s).")
