from django.core.management.base import BaseCommand

from fourfold.workflows import decisions


class Command(BaseCommand):
    help = "Close every proposal whose deadline has passed (safe to run from cron, repeatedly)."

    def handle(self, *args, **options):
        closed = decisions.close_due_proposals()
        for proposal in closed:
            self.stdout.write(
                f"{proposal.coop.slug} #{proposal.pk} {proposal.title}: {proposal.outcome}"
            )
        self.stdout.write(f"{len(closed)} proposal(s) closed.")
