from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from accounts.views import OAuth2TokenView, UserViewSet
from api.views import ItemViewSet

# The docs are HTML pages: an OPTIONS request would have DRF render its
# metadata into the page's template, a 500 for Swagger UI. They answer GET
# and HEAD, and 405 with `Allow: GET, HEAD` to anything else.
_HTML_PAGE = {"http_method_names": ["get", "head"]}

urlpatterns = [
    path("api/auth/", include("accounts.urls")),
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

# The FastAPI guide's paths, exactly as it spells them (no trailing-slash
# redirects), so that a client written for it works by changing only its
# base URL.
urlpatterns += [
    path("token", OAuth2TokenView.as_view(), name="oauth2-token"),
    path("users/me", UserViewSet.as_view({"get": "me"}), name="guide-users-me"),
    path("items/", ItemViewSet.as_view({"get": "list"}), name="guide-items"),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
