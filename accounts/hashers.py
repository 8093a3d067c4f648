"""Password hashers tuned for this project."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """
    Argon2id at the OWASP minimum: 19 MiB of memory, 2 passes, 1 lane.

    Django's defaults (100 MiB, 8 lanes) make every login several times more
    expensive on a small server; README "Password hashing" has the measured
    times. Hashes made with other parameters verify as before and are
    re-hashed with these on the user's next login.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
