"""The check-in Alert moves here from the surveys app (state only: the table is renamed in 0002)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("surveys", "0001_initial"),
        ("teams", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Alert",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("reasons", models.JSONField(default=list)),
                        ("contact_how", models.CharField(choices=[("phone", "Phone call"), ("text", "Text message"), ("email", "Email")], max_length=10, verbose_name="How to contact")),
                        ("contact_detail", models.CharField(max_length=200, verbose_name="Contact details")),
                        ("contact_name", models.CharField(blank=True, max_length=100, verbose_name="Name")),
                        ("status", models.CharField(choices=[("new", "New"), ("acknowledged", "Acknowledged"), ("responded", "Responded")], default="new", max_length=15)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("acknowledged_at", models.DateTimeField(blank=True, null=True)),
                        ("responded_at", models.DateTimeField(blank=True, null=True)),
                        ("note", models.CharField(blank=True, max_length=500, verbose_name="What we did")),
                        ("acknowledged_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("responded_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("team", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="survey_alerts", to="teams.team")),
                        ("response", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="alert", to="surveys.response")),
                    ],
                    options={
                        "db_table": "surveys_alert",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [models.Index(fields=["team", "status"], name="surveys_ale_team_id_c07aee_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name="Submission",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("address_hash", models.CharField(db_index=True, max_length=64)),
                ("kind", models.CharField(max_length=12)),
                ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
            ],
        ),
    ]
