import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor):
    from fourfold.lib.usernames import username_skeleton

    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk", "username").iterator():
        User.objects.filter(pk=user.pk).update(username_skeleton=username_skeleton(user.username))
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.update(last_used_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_skeleton",
            field=models.CharField(db_index=True, default="", editable=False, max_length=150),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(),
        ),
        migrations.AddField(
            model_name="loginfailure",
            name="address",
            field=models.CharField(blank=True, default="", max_length=45),
        ),
        migrations.AddIndex(
            model_name="loginfailure",
            index=models.Index(fields=["address", "at"], name="accounts_lo_address_1c1f03_idx"),
        ),
        migrations.CreateModel(
            name="KnownAddress",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("address", models.CharField(max_length=45)),
                ("last_login_at", models.DateTimeField()),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="known_addresses",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "address"), name="known_address_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PasswordResetRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.CharField(max_length=254)),
                ("at", models.DateTimeField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["email", "at"], name="accounts_pa_email_869376_idx")
                ],
            },
        ),
    ]
