"""The OpenAPI schema's view of errors: what every operation may answer."""

from drf_spectacular import openapi
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework_simplejwt.views import TokenViewBase


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class AutoSchema(openapi.AutoSchema):
    """
    drf-spectacular's schema, plus the error responses DRF can give.

    The schema is the contract the Next.js client's types are generated
    from, so the errors a client must handle are part of it: 400 validation
    errors (`{"field": ["message"]}`), and `{"detail", "code"}` for the rest.
    """

    def map_parsers(self):
        """
        Offer request bodies as JSON only. The server also takes form data
        (browser forms, OAuth2 clients), but a body offered two ways makes
        generators such as openapi-python-client emit broken code; the OAuth2
        endpoints declare their form bodies themselves.
        """
        media_types = super().map_parsers()
        return [m for m in media_types if m == "application/json"] or media_types

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = {}
        if self.method in ("POST", "PUT", "PATCH"):
            validation = build_basic_type(OpenApiTypes.OBJECT)
            validation["description"] = "Field errors: {field: [message, …]}"
            errors["400"] = validation
            errors["413"] = errors["415"] = ErrorSerializer
        if any(self.get_auth()) or isinstance(self.view, TokenViewBase):
            errors["401"] = ErrorSerializer
        if "{" in self.path or self._takes_a_cursor():
            errors["404"] = ErrorSerializer
        if getattr(self.view, "throttle_classes", None) or getattr(
            self.view, "sign_in_limited", False
        ):
            errors["429"] = errors["503"] = ErrorSerializer
        for code, schema in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(schema, code)
        if "429" in responses:
            responses["429"]["headers"] = {
                "Retry-After": {
                    "description": "Seconds until the limit lets requests through.",
                    "schema": {"type": "integer"},
                }
            }
        return responses

    def _takes_a_cursor(self) -> bool:
        """Whether a cursor is a query parameter: DRF answers 404 to a bad one."""
        return (
            self.method == "GET"
            and self._is_list_view()
            and isinstance(self._get_paginator(), CursorPagination)
        )
