"""
The one authentication backend behind every sign-in door.

The API's token views, `/token` and the admin's login form all sign in
through `django.contrib.auth.authenticate()`, which calls this backend; so
each of them is under the same limits (accounts/limits.py) and finds a user
by the same folded username (accounts/usernames.py).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from accounts.limits import sign_in_attempt_start
from accounts.usernames import user_by_username


class LimitedModelBackend(ModelBackend):
    """
    Django's ModelBackend, with usernames compared folded and every attempt
    counted toward the brute-force limits before the password is checked.

    Over a limit it raises SignInThrottled (a 429 in the API, an error on the
    admin's form), the right password included.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        attempt = sign_in_attempt_start(request=request, username=username)
        try:
            user = user_by_username(username)
        except User.DoesNotExist:
            # Run the default password hasher once to reduce the timing
            # difference between an existing and a nonexistent user (#20760).
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            attempt.succeeded()
            return user
        return None
