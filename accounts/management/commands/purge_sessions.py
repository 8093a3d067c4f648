from datetime import timedelta

from django.core.management.base import BaseCommand

from accounts.sessions import sessions_purge_expired
from mfa.challenges import challenges_purge_expired


class Command(BaseCommand):
    help = (
        "Delete sessions that expired or were revoked more than --days ago, "
        "and expired sign-in and passkey challenges. Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=30,
            help="Keep ended sessions this long, for the admin (default 30).",
        )

    def handle(self, *args, days, **options):
        deleted = sessions_purge_expired(older_than=timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} ended session(s).")
        challenges = challenges_purge_expired()
        self.stdout.write(f"Deleted {challenges} expired challenge(s).")
