"""How the API's authentication appears in the OpenAPI schema."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class SessionJWTScheme(SimpleJWTScheme):
    """
    A Bearer JWT, obtainable through the OAuth2 password flow at `/token`.

    Either scheme satisfies an operation, so Swagger UI's Authorize dialog
    offers both a username/password sign-in (as FastAPI's /docs does) and a
    field to paste a token.
    """

    target_class = "accounts.authentication.SessionJWTAuthentication"
    name = ["jwtAuth", "oauth2PasswordFlow"]

    def get_security_requirement(self, auto_schema):
        return [{name: []} for name in self.name]

    def get_security_definition(self, auto_schema):
        return [
            super().get_security_definition(auto_schema),
            {
                "type": "oauth2",
                "flows": {"password": {"tokenUrl": "/token", "scopes": {}}},
            },
        ]
