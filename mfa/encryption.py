"""
Encryption at rest for the secrets a second factor needs in the clear: the
TOTP seed. A copy of the database alone does not let anyone compute codes.

The key is derived (HKDF-SHA256) from MFA_ENCRYPTION_KEY, or from
DJANGO_SECRET_KEY when that is unset (then Django's SECRET_KEY_FALLBACKS
still decrypt, so rotating the secret key keeps authenticator apps working).
A dedicated key lets DJANGO_SECRET_KEY be rotated without keeping the old
one around for this (for secrets stored once the key was set). The same
keys key the recovery codes' hashes (mfa/recovery_codes.py), so they survive
a rotation as the app does.
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


def mfa_keys() -> list[str]:
    """
    The key that protects second-factor secrets, then those that may have.

    The secret keys follow a dedicated key: secrets stored before it was
    set are still read, so setting it on a site with users locks no one out.
    """
    secret_keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    if settings.MFA_ENCRYPTION_KEY:
        return [settings.MFA_ENCRYPTION_KEY, *secret_keys]
    return secret_keys


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(_derive(key)) for key in mfa_keys()])


def _derive(key: str) -> bytes:
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"mfa.encryption",
        info=b"totp-secret",
    ).derive(key.encode())
    return base64.urlsafe_b64encode(derived)
