from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and sessions"

    def ready(self):
        from accounts import schema, signals  # noqa: F401
        from accounts.usernames import register_sqlite_function

        connection_created.connect(register_sqlite_function)
