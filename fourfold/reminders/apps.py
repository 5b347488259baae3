from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "fourfold.reminders"
    label = "reminders"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from fourfold.coops.models import AuditEvent
        from fourfold.reminders.events import audit_event_saved

        post_save.connect(audit_event_saved, sender=AuditEvent, dispatch_uid="reminders.notify")
