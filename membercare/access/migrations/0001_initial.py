import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="Capability",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ],
            options={
                "managed": False,
                "default_permissions": (),
                "permissions": [
                    ("lookup_members", "Look up members"),
                    ("view_contact", "See contact details unmasked"),
                    ("verify_contact", "Verify a caller's contact details"),
                    ("reveal_contact", "Reveal a masked field, with a reason"),
                    ("view_tiers", "See tiers and progress"),
                    ("view_points", "See points"),
                    ("view_coupons", "See coupons"),
                    ("view_transactions", "See transactions"),
                    ("view_store_transactions", "See transactions of their own store"),
                    ("view_fraud", "See fraud status"),
                    ("bulk_lookup", "Look up several members at once"),
                    ("read_audit", "Read the audit trail"),
                    ("manage_groups", "Manage access groups"),
                ],
            },
        ),
        migrations.CreateModel(
            name="StaffProfile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("store_code", models.CharField(blank=True, help_text="A store manager sees only this store's transactions.", max_length=64)),
                ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="staff_profile", to=settings.AUTH_USER_MODEL)),
            ],
        ),
    ]
