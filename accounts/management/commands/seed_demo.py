from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.models import Item

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - development only, see below


class Command(BaseCommand):
    help = "Create a demo user with a few items, for development only."

    def handle(self, *args, **options):
        # A known password is fine on a laptop and unacceptable anywhere else.
        if not settings.DEBUG:
            raise CommandError("seed_demo runs only with DJANGO_DEBUG=true.")
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=DEMO_USERNAME, defaults={"email": "demo@example.com"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            Item.objects.bulk_create(
                Item(owner=user, name=name, description=description)
                for name, description in [
                    ("Read the README", "Two commands, then the sessions guide."),
                    ("Try the API docs", "Authorize with demo / demo-password-2026."),
                    ("Open the admin", "python manage.py createsuperuser first."),
                ]
            )
        self.stdout.write(
            f"Demo user: {DEMO_USERNAME} / {DEMO_PASSWORD}"
            + ("" if created else " (already there)")
        )
