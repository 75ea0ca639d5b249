"""The default access groups. Later changes are the admins' to make, in the dashboard."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here: the migration must not change when capabilities.py later does.
DEFAULT_GROUPS = {
    "Call-center agents": [
        "lookup_members", "verify_contact", "reveal_contact", "view_tiers", "view_points",
        "view_coupons", "view_transactions", "view_fraud",
    ],
    "Store managers": ["lookup_members", "view_tiers", "view_points", "view_store_transactions"],
    "Admins": [
        "lookup_members", "view_contact", "verify_contact", "reveal_contact", "view_tiers",
        "view_points", "view_coupons", "view_transactions", "view_store_transactions", "view_fraud",
        "bulk_lookup", "read_audit", "manage_groups",
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("access")
    app_config.models_module = True  # the state's app config has none; create_permissions asks
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in DEFAULT_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="access", codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=DEFAULT_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
