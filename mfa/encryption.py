"""
Encryption at rest for the secrets a second factor needs in the clear: the
TOTP seed. A copy of the database alone does not let anyone compute codes.

The key is derived (HKDF-SHA256) from MFA_ENCRYPTION_KEY, or from
DJANGO_SECRET_KEY when that is unset (then Django's SECRET_KEY_FALLBACKS
still decrypt, so rotating the secret key keeps authenticator apps working).
A dedicated key lets DJANGO_SECRET_KEY be rotated without keeping the old
one around for this.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SecretUndecryptable(Exception):
    """Stored with a key that is no longer configured."""


def secret_encrypt(plaintext: bytes) -> bytes:
    return _fernet().encrypt(plaintext)


def secret_decrypt(ciphertext: bytes) -> bytes:
    try:
        return _fernet().decrypt(bytes(ciphertext))
    except InvalidToken as exc:
        raise SecretUndecryptable from exc


def _fernet() -> MultiFernet:
    keys = [settings.MFA_ENCRYPTION_KEY or settings.SECRET_KEY]
    if not settings.MFA_ENCRYPTION_KEY:
        keys += list(settings.SECRET_KEY_FALLBACKS)
    return MultiFernet([Fernet(_derive(key)) for key in keys])


def _derive(key: str) -> bytes:
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"mfa.encryption",
        info=b"totp-secret",
    ).derive(key.encode())
    return base64.urlsafe_b64encode(derived)
