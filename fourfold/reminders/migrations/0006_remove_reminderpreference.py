from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0005_reminder_choices_become_notification_choices"),
    ]

    operations = [
        migrations.DeleteModel(name="ReminderPreference"),
    ]
