"""
A unique index on the folded username of Django's built-in user table.

Existing case or width twins would make the index impossible: the migration
stops and names them, so that staff can rename one of each pair first.
"""

from collections import defaultdict

from django.db import migrations

from accounts.usernames import (
    FOLDED_INDEX_NAME,
    POSTGRES_EXPRESSION,
    SQLITE_FUNCTION,
    username_fold,
)


def create_folded_index(apps, schema_editor):
    User = apps.get_model("auth", "User")
    names = defaultdict(list)
    for username in User.objects.values_list("username", flat=True):
        names[username_fold(username)].append(username)
    twins = [group for group in names.values() if len(group) > 1]
    if twins:
        listed = "; ".join(", ".join(group) for group in twins)
        raise RuntimeError(
            "These usernames differ only by case or width; rename all but one "
            f"of each group before migrating: {listed}"
        )
    table = schema_editor.quote_name(User._meta.db_table)
    column = schema_editor.quote_name("username")
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        expression = POSTGRES_EXPRESSION.format(column)
    elif vendor == "sqlite":
        expression = f"{SQLITE_FUNCTION}({column})"
    else:
        expression = f"LOWER({column})"
    schema_editor.execute(
        f"CREATE UNIQUE INDEX {FOLDED_INDEX_NAME} ON {table} (({expression}))"
    )


def drop_folded_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {FOLDED_INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_folded_index, drop_folded_index),
    ]
