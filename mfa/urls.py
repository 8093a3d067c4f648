from django.urls import path
from rest_framework.routers import SimpleRouter

from mfa import views

app_name = "mfa"

router = SimpleRouter()
router.register("passkeys", views.PasskeyViewSet, basename="passkey")

urlpatterns = [
    path("mfa/", views.FactorsView.as_view(), name="factors"),
    path("mfa/totp/", views.TOTPView.as_view(), name="totp"),
    path("mfa/totp/setup/", views.TOTPSetupView.as_view(), name="totp-setup"),
    path("mfa/totp/confirm/", views.TOTPConfirmView.as_view(), name="totp-confirm"),
    path(
        "mfa/recovery-codes/",
        views.RecoveryCodesView.as_view(),
        name="recovery-codes",
    ),
    path("mfa/verify/", views.SecondFactorVerifyView.as_view(), name="verify"),
    path(
        "passkeys/register/options/",
        views.PasskeyRegistrationOptionsView.as_view(),
        name="passkey-register-options",
    ),
    path(
        "passkeys/register/",
        views.PasskeyRegisterView.as_view(),
        name="passkey-register",
    ),
    path(
        "passkeys/login/options/",
        views.PasskeySignInOptionsView.as_view(),
        name="passkey-login-options",
    ),
    path("passkeys/login/", views.PasskeySignInView.as_view(), name="passkey-login"),
    *router.urls,
]
