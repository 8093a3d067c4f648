from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.backends.signals import connection_created


class AccountsConfig(AppConfig):
    # The app's own config; AccountsAdminConfig below is the admin's.
    default = True
    name = "accounts"
    verbose_name = "Accounts and sessions"

    def ready(self):
        from accounts import schema, signals  # noqa: F401
        from accounts.usernames import register_sqlite_function

        connection_created.connect(register_sqlite_function)


class AccountsAdminConfig(admin_apps.AdminConfig):
    """`django.contrib.admin`, with accounts/admin_site.py's site as `admin.site`."""

    default = False  # named in INSTALLED_APPS; not this module's default
    default_site = "accounts.admin_site.AccountsAdminSite"
