from rest_framework import serializers

from mfa.models import Passkey

# Codes are 6 digits (TOTP) or 10 letters and digits, maybe with a dash.
CODE_MAX_LENGTH = 32


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=CODE_MAX_LENGTH, trim_whitespace=True)


class FactorsSerializer(serializers.Serializer):
    totp = serializers.BooleanField(read_only=True)
    passkeys = serializers.IntegerField(read_only=True)
    recovery_codes_left = serializers.IntegerField(read_only=True)


class TOTPSetupSerializer(serializers.Serializer):
    secret = serializers.CharField(read_only=True, help_text="Base32, for typing in.")
    otpauth_uri = serializers.CharField(read_only=True)
    qr_svg = serializers.CharField(read_only=True, help_text="An inline SVG image.")


class RecoveryCodesSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Shown once."
    )


class SecondFactorRequiredSerializer(serializers.Serializer):
    """The answer to a right password when a second factor is needed."""

    mfa_required = serializers.BooleanField(read_only=True)
    mfa_token = serializers.CharField(read_only=True)
    methods = serializers.ListField(
        child=serializers.ChoiceField(["totp", "recovery_code", "webauthn"]),
        read_only=True,
    )


class SecondFactorVerifySerializer(serializers.Serializer):
    """An `mfa_token` with either a code or a passkey's assertion."""

    mfa_token = serializers.CharField(max_length=128)
    code = serializers.CharField(
        max_length=CODE_MAX_LENGTH, required=False, help_text="TOTP or recovery code"
    )
    credential = serializers.DictField(
        required=False, help_text="PublicKeyCredential.toJSON() of an assertion"
    )

    def validate(self, attrs):
        if ("code" in attrs) == ("credential" in attrs):
            raise serializers.ValidationError(
                "Send either a code or a credential.", code="one_of"
            )
        return attrs


class CredentialSerializer(serializers.Serializer):
    credential = serializers.DictField(
        help_text="PublicKeyCredential.toJSON() from the browser"
    )


class PasskeyRegisterSerializer(CredentialSerializer):
    name = serializers.CharField(max_length=64, default="Passkey")


class PasskeySerializer(serializers.ModelSerializer):
    class Meta:
        model = Passkey
        fields = ["id", "name", "created_at", "last_used_at", "backed_up"]
        read_only_fields = ["id", "created_at", "last_used_at", "backed_up"]


class PasskeyCreatedSerializer(PasskeySerializer):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        allow_null=True,
        help_text="With the account's first factor only; shown once.",
    )

    class Meta(PasskeySerializer.Meta):
        fields = [*PasskeySerializer.Meta.fields, "recovery_codes"]
