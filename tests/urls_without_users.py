"""A URLconf with the health check alone, for tests that change ROOT_URLCONF."""

from django.urls import include, path

from api import views

urlpatterns = [
    path(
        "api/",
        include(([path("health/", views.HealthView.as_view(), name="health")], "api")),
    ),
]
