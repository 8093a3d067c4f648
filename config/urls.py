from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from accounts.discovery import JWKSView, ServerMetadataView
from accounts.oauth2 import RevocationView, TokenEndpointView
from accounts.views import GuideUserMeSlashView, UserViewSet
from api.views import ItemViewSet

# The docs are HTML pages: an OPTIONS request would have DRF render its
# metadata into the page's template, a 500 for Swagger UI. They answer GET
# and HEAD, and 405 with `Allow: GET, HEAD` to anything else.
_HTML_PAGE = {"http_method_names": ["get", "head"]}

urlpatterns = [
    path("api/auth/", include("accounts.urls")),
    path("api/auth/", include("mfa.urls")),
    path("api/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema", **_HTML_PAGE),
        name="swagger-ui",
    ),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="schema", **_HTML_PAGE),
        name="redoc",
    ),
    path("admin/", admin.site.urls),
]

# The OAuth 2.0 endpoints (RFC 6749 token endpoint, RFC 7009 revocation).
# `/token` is also the FastAPI guide's path; with `/users/me` (and the
# tutorial's `/users/me/`) and `/items/` exactly as it spells them (no
# trailing-slash redirects), a client written for the guide works by
# changing only its base URL.
urlpatterns += [
    path("token", TokenEndpointView.as_view(), name="oauth2-token"),
    path("revoke", RevocationView.as_view(), name="oauth2-revoke"),
    path("users/me", UserViewSet.as_view({"get": "me"}), name="guide-users-me"),
    path(
        "users/me/",
        GuideUserMeSlashView.as_view({"get": "me"}),
        name="guide-users-me-slash",
    ),
    path("items/", ItemViewSet.as_view({"get": "list"}), name="guide-items"),
]

# What another service needs to verify this API's tokens on its own: the
# public keys, and the discovery document that points to them.
urlpatterns += [
    path(".well-known/jwks.json", JWKSView.as_view(), name="jwks"),
    path(
        ".well-known/openid-configuration",
        ServerMetadataView.as_view(),
        name="openid-configuration",
    ),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
