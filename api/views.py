from django.core.cache import cache
from django.db import DatabaseError, connection
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.models import Item
from api.pagination import NewestFirstCursorPagination
from api.selectors import ItemRows
from api.serializers import HealthSerializer, ItemSerializer

_item_id = extend_schema(
    parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)]
)


@extend_schema_view(
    retrieve=_item_id, update=_item_id, partial_update=_item_id, destroy=_item_id
)
class ItemViewSet(viewsets.ModelViewSet):
    """The caller's items. Other users' items do not exist here (404)."""

    queryset = Item.objects.all()  # narrowed to the caller in get_queryset
    serializer_class = ItemSerializer
    pagination_class = NewestFirstCursorPagination
    # Ids beyond 64-bit integers cannot exist: answer 404 without a query.
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return self.queryset.filter(owner=self.request.user)

    def list(self, request):
        # The page is read as rows, not model instances (api/selectors.py).
        page = self.paginate_queryset(ItemRows(request.user.pk))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)


class HealthView(APIView):
    """Report whether the database (and Redis, when configured) answer."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: HealthSerializer, 503: HealthSerializer})
    def get(self, request):
        checks = {"database": _database_ok(), "cache": _cache_ok()}
        healthy = all(checks.values())
        body = {"status": "ok" if healthy else "unavailable"}
        body.update(
            {name: "ok" if ok else "unavailable" for name, ok in checks.items()}
        )
        return Response(
            body,
            status=status.HTTP_200_OK
            if healthy
            else status.HTTP_503_SERVICE_UNAVAILABLE,
        )


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def _cache_ok() -> bool:
    try:
        cache.set("health:probe", "1", timeout=5)
        return cache.get("health:probe") == "1"
    except Exception:  # redis.ConnectionError and friends; any failure is "down"
        return False
