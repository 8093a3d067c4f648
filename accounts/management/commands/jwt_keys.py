from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.signing_keys import ALGORITHMS, HMAC, key_set, private_key_generate


class Command(BaseCommand):
    help = (
        "generate: print a new PEM private key for JWT_ALGORITHM (or "
        "--algorithm), to put first in JWT_SIGNING_KEYS. show: print the key "
        "ids (kid) in force, the signing one first; never a private part."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["generate", "show"])
        parser.add_argument(
            "--algorithm",
            choices=[a for a in ALGORITHMS if a != HMAC],
            help="The algorithm to generate a key for (default JWT_ALGORITHM).",
        )

    def handle(self, *args, action, algorithm, **options):
        if action == "generate":
            self.generate(algorithm or settings.JWT_ALGORITHM)
        else:
            self.show()

    def generate(self, algorithm: str) -> None:
        if algorithm == HMAC:
            raise CommandError(
                "HS256 signs with DJANGO_SECRET_KEY and has no key to generate. "
                "For keys others can verify: jwt_keys generate --algorithm EdDSA"
            )
        self.stdout.write(private_key_generate(algorithm), ending="")

    def show(self) -> None:
        keys = key_set()
        for position, key in enumerate(keys.keys):
            role = "signs and verifies" if position == 0 else "verifies"
            source = " (DJANGO_SECRET_KEY)" if key.is_symmetric else ""
            self.stdout.write(f"{key.kid}  {key.algorithm}  {role}{source}")
