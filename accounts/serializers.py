from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from rest_framework import serializers
from rest_framework_simplejwt.serializers import PasswordField, TokenObtainSerializer

from accounts.email_addresses import email_is_verified
from accounts.models import Session
from accounts.passwords import password_verify
from accounts.sessions import SESSION_CLAIM
from accounts.usernames import username_normalize, username_taken
from accounts.users import USERNAME_TAKEN
from config.fields import DateTimeField
from mfa.reauthentication import identity_reprove

User = get_user_model()

# Formats a datetime exactly as a DateTimeField of a serializer does.
_timestamp = DateTimeField()


# Declared field by field rather than as a ModelSerializer: it runs on every
# /api/users/me/ request, and a ModelSerializer rebuilds its fields from the
# model each time (about a fifth of that request's CPU).
class UserSerializer(serializers.Serializer):
    """
    The signed-in user. Only the names can change here: an access token
    alone must not be enough to move the account's email (and with it the
    password reset link) to another address.
    """

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    # A CharField: the address may be empty, which `format: email` refuses.
    email = serializers.CharField(read_only=True)
    email_verified = serializers.SerializerMethodField()
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    is_staff = serializers.BooleanField(read_only=True)
    date_joined = DateTimeField(read_only=True)

    # Output is written out as well: DRF builds a serializer's fields afresh
    # for each instance (deep copies with their validators), 60 µs for these
    # seven, which reading them does not need. The fields still validate
    # input and describe the schema; a test keeps both in step.
    def to_representation(self, instance):
        return {
            "id": instance.pk,
            "username": instance.username,
            "email": instance.email,
            "email_verified": self.get_email_verified(instance),
            "first_name": instance.first_name,
            "last_name": instance.last_name,
            "is_staff": instance.is_staff,
            "date_joined": _timestamp.to_representation(instance.date_joined),
        }

    def get_email_verified(self, instance) -> bool:
        return email_is_verified(instance)

    def update(self, instance, validated_data):
        for field, value in validated_data.items():
            setattr(instance, field, value)
        instance.save(update_fields=list(validated_data))
        return instance


class LoginSerializer(TokenObtainSerializer):
    """
    A username and password. A wrong password, an unknown user and an
    inactive user all fail alike, with 401.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Passwords are taken as typed, as Django's own forms do.
        self.fields["password"] = PasswordField(trim_whitespace=False)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)


class RefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField(write_only=True)


class VerifyInputSerializer(serializers.Serializer):
    token = serializers.CharField(write_only=True)


class UsernameField(serializers.RegexField):
    """A username, NFKC-normalised before it is validated or compared."""

    def to_internal_value(self, data):
        return username_normalize(super().to_internal_value(data))


class RegisterSerializer(serializers.Serializer):
    username = UsernameField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        error_messages={
            "invalid": "Enter a valid username: letters, digits and @/./+/-/_ only."
        },
    )
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    password = PasswordField(trim_whitespace=False, max_length=4096)

    def validate_username(self, value):
        # Usernames that differ only by case or width (`Alice`, fullwidth `alice`)
        # would let one person pose as another in the admin and in emails.
        if username_taken(value):
            raise serializers.ValidationError(USERNAME_TAKEN)
        return value

    def validate(self, attrs):
        # Checked here, not in validate_email: a left-out field skips that.
        if settings.REQUIRE_VERIFIED_EMAIL and not attrs.get("email"):
            raise serializers.ValidationError(
                {"email": ["An email address is required: it must be verified."]}
            )
        # The validators compare the password with the username and email.
        candidate = User(username=attrs["username"], email=attrs.get("email", ""))
        _validate_password(attrs["password"], candidate, field="password")
        return attrs


class PasswordChangeSerializer(serializers.Serializer):
    old_password = PasswordField(trim_whitespace=False)
    new_password = PasswordField(trim_whitespace=False, max_length=4096)

    def validate_old_password(self, value):
        request = self.context["request"]
        if not password_verify(request=request, user=request.user, password=value):
            raise serializers.ValidationError("The old password is not correct.")
        return value

    def validate_new_password(self, value):
        password_validation.validate_password(value, self.context["request"].user)
        return value


class ReauthenticateSerializer(serializers.Serializer):
    """
    The password; with two-factor sign-in on, the password and a `code`, or
    a passkey's assertion (`credential`) alone (mfa/reauthentication.py).
    """

    password = PasswordField(trim_whitespace=False, required=False)
    code = serializers.CharField(
        max_length=32, required=False, help_text="TOTP or recovery code"
    )
    credential = serializers.DictField(
        required=False, help_text="PublicKeyCredential.toJSON() of an assertion"
    )

    def validate(self, attrs):
        if "credential" not in attrs and "password" not in attrs:
            raise serializers.ValidationError(
                {"password": ["This field is required."]}, code="required"
            )
        request = self.context["request"]
        identity_reprove(request=request, user=request.user, **attrs)
        return attrs


class EmailKeySerializer(serializers.Serializer):
    """The key of a link mailed to prove an address."""

    key = serializers.CharField(max_length=1024)


class EmailChangeSerializer(serializers.Serializer):
    new_email = serializers.EmailField(max_length=254)


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField()
    token = serializers.CharField()
    new_password = PasswordField(trim_whitespace=False, max_length=4096)

    default_error_messages = {
        "invalid_link": "The reset link is invalid or has expired."
    }

    def validate(self, attrs):
        user = self._user_from_uid(attrs["uid"])
        if user is None or not default_token_generator.check_token(
            user, attrs["token"]
        ):
            self.fail("invalid_link")
        _validate_password(attrs["new_password"], user, field="new_password")
        attrs["user"] = user
        return attrs

    @staticmethod
    def _user_from_uid(uid):
        try:
            pk = int(force_str(urlsafe_base64_decode(uid)))
            return User.objects.get(pk=pk, is_active=True)
        except (ValueError, TypeError, OverflowError, User.DoesNotExist):
            return None


class SessionSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = (
            "id",
            "created_at",
            "last_used_at",
            "expires_at",
            "ip_address",
            "user_agent",
            "current",
        )
        read_only_fields = fields

    def get_current(self, session) -> bool:
        token = self.context["request"].auth
        return token is not None and token.get(SESSION_CLAIM) == str(session.pk)


def _validate_password(password, user, *, field):
    """Run Django's password validators, reporting under `field`."""
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise serializers.ValidationError({field: list(exc.messages)}) from exc
