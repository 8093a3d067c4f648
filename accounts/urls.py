from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts import views

app_name = "accounts"

router = SimpleRouter()
router.register("sessions", views.SessionViewSet, basename="session")

urlpatterns = [
    path("token/", views.LoginView.as_view(), name="token-obtain"),
    path("token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("token/verify/", views.TokenVerifyView.as_view(), name="token-verify"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("logout-all/", views.LogoutAllView.as_view(), name="logout-all"),
    path("register/", views.RegisterView.as_view(), name="register"),
    path("email/verify/", views.EmailVerifyView.as_view(), name="email-verify"),
    path(
        "email/verify/resend/",
        views.EmailVerifyResendView.as_view(),
        name="email-verify-resend",
    ),
    path("email/change/", views.EmailChangeView.as_view(), name="email-change"),
    path(
        "email/change/confirm/",
        views.EmailChangeConfirmView.as_view(),
        name="email-change-confirm",
    ),
    path(
        "reauthenticate/",
        views.ReauthenticateView.as_view(),
        name="reauthenticate",
    ),
    path(
        "password/change/",
        views.PasswordChangeView.as_view(),
        name="password-change",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/confirm/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    *router.urls,
]
