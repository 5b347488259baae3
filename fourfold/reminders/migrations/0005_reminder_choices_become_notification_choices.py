"""The per-co-op reminder checkboxes become the per-kind notification choice, the one rule.

A reminder a member turned off in a co-op becomes its kind "only here, in fourfold" (the round
keeps every reminder in-app, so nothing they had is lost). The new choice is the member's own,
across co-ops: turned off in any co-op, it is off in all, since a member who asked for fewer
e-mails should not get more. A kind the member had chosen already keeps that choice, the
newer one."""

from django.db import migrations
from django.utils import timezone

# The old checkbox, and the notification kinds it now stands for.
KINDS_OF_CHECKBOX = {
    "shifts": ["shift_tomorrow"],
    "votes": ["vote_closing"],
    "balance": ["balance"],
    "consent": ["entry", "settle_up"],
}


def choices_carry_over(apps, schema_editor):
    ReminderPreference = apps.get_model("reminders", "ReminderPreference")
    NotificationPreference = apps.get_model("reminders", "NotificationPreference")
    turned_off: set[tuple[int, str]] = set()
    for old in ReminderPreference.objects.order_by("pk").iterator():
        for checkbox, kinds in KINDS_OF_CHECKBOX.items():
            if not getattr(old, checkbox):
                turned_off |= {(old.member_id, kind) for kind in kinds}
    chosen = set(NotificationPreference.objects.values_list("member_id", "kind"))
    now = timezone.now()
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(member_id=member_id, kind=kind, delivery="app", updated_at=now)
            for member_id, kind in sorted(turned_off - chosen)
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0004_push"),
    ]

    operations = [
        migrations.RunPython(choices_carry_over, migrations.RunPython.noop, elidable=True),
    ]
