from django.db import migrations, models

from fourfold.lib.language import plural_guess


def guess_plurals(apps, schema_editor):
    Cooperative = apps.get_model("coops", "Cooperative")
    for coop in Cooperative.objects.filter(unit_plural=""):
        coop.unit_plural = plural_guess(coop.unit)[:40]
        coop.save(update_fields=["unit_plural"])


class Migration(migrations.Migration):
    dependencies = [
        ("coops", "0005_membership_removed_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="cooperative",
            name="unit_plural",
            field=models.CharField(
                default="",
                help_text='The unit for more than one, as in "24 quarts" or "8 repair slots".',
                max_length=40,
                verbose_name="unit, plural",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(guess_plurals, migrations.RunPython.noop),
    ]
