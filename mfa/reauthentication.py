"""
Re-authentication of a user with a second factor.

A fresh session may turn factors off, add a passkey, change the address or
delete the account. For a user with a second factor the password alone must
not make a session fresh: a stolen access token and a phished password
would then be enough to remove the factor that was to stop them. So such a
user re-authenticates with the password *and* a code (authenticator app or
recovery code), or with a passkey alone (possession and user verification).
"""

from rest_framework.exceptions import ValidationError

from accounts.passwords import password_verify
from mfa import passkeys
from mfa.factors import WRONG_CODE, user_has_second_factor
from mfa.sign_in import second_factor_code_check

WRONG_PASSWORD = "The password is not correct."  # noqa: S105
CODE_NEEDED = (
    "Two-factor sign-in is on: send a code from your authenticator app or a "
    "recovery code as well, or use a passkey."
)


def identity_reprove(
    *, request, user, password: str = "", code: str = "", credential=None
) -> None:
    """Raise ValidationError unless the caller proved again who they are."""
    if credential is not None:
        passkey = passkeys.passkey_authenticate(credential=credential)
        if passkey.user_id != user.pk:
            raise passkeys.PasskeyRefused("This passkey belongs to another account.")
        return
    if not password_verify(request=request, user=user, password=password):
        raise ValidationError({"password": [WRONG_PASSWORD]}, code="wrong_password")
    if not user_has_second_factor(user):
        return
    if not code:
        raise ValidationError({"code": [CODE_NEEDED]}, code="second_factor_required")
    if not second_factor_code_check(user=user, code=code):
        raise ValidationError({"code": [WRONG_CODE]}, code="wrong_code")
