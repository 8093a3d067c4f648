from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.views import UserViewSet
from api import views

app_name = "api"

router = SimpleRouter()
router.register("items", views.ItemViewSet, basename="item")
router.register("users", UserViewSet, basename="user")

urlpatterns = [
    path("health/", views.HealthView.as_view(), name="health"),
    *router.urls,
]
