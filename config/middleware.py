from corsheaders import middleware as cors
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import JsonResponse
from django.urls import get_resolver
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string

FIXED_ROUTES_KEPT = 256


class RequestBodyLimitMiddleware:
    """
    Refuse bodies over DATA_UPLOAD_MAX_MEMORY_SIZE with 413 before any view.

    Django checks that limit only when `request.body` is read; DRF's parsers
    read the stream directly and would accept any size.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return JsonResponse(
                {"detail": f"Request body is larger than {limit} bytes."}, status=413
            )
        return self.get_response(request)


class CorsMiddleware(cors.CorsMiddleware):
    """
    django-cors-headers' middleware, without its work for a request that
    has no Origin header and so is not a cross-origin one (a server-side
    fetch such as Next.js's, curl, another service).

    Such a request needs no CORS headers, only `Vary: origin` on the CORS
    paths, as the library would add; the library would first build the
    request's header mapping to look for the Origin. A preflight without an
    Origin still goes through the library.
    """

    def __call__(self, request):
        if (
            "HTTP_ORIGIN" in request.META
            or request.method == "OPTIONS"
            or self.async_mode
        ):
            return super().__call__(request)
        response = self.get_response(request)
        if self.is_enabled(request):
            patch_vary_headers(response, ("origin",))
        return response


class APIPathsMiddleware:
    """
    Skip the site's middleware (SITE_MIDDLEWARE) on the API's paths (API_PATHS).

    Sessions, CSRF, the admin's user and messages and static files serve the
    admin and the docs' pages; the API reads no cookie and authenticates
    each request by its Bearer token alone. So a request to one of its paths
    goes through the rest of MIDDLEWARE (the entries below this one) less
    those, around a view handler of its own; any other request through the
    whole chain. MIDDLEWARE keeps every entry, so that Django's checks (the
    admin's, `check --deploy`) see them.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.api_paths = tuple(settings.API_PATHS)
        below = settings.MIDDLEWARE[settings.MIDDLEWARE.index(_dotted(self)) + 1 :]
        self.api_handler = MiddlewareHandler(
            [path for path in below if path not in settings.SITE_MIDDLEWARE]
        )

    def __call__(self, request):
        if request.path_info.startswith(self.api_paths):
            return self.api_handler.middleware_chain(request)
        return self.get_response(request)


class MiddlewareHandler(BaseHandler):
    """
    Django's request handler over a list of middleware of its own, for
    synchronous requests: BaseHandler.load_middleware, which reads them
    from MIDDLEWARE, less its async adaptation.
    """

    def __init__(self, middleware: list[str]):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(middleware):
            try:
                instance = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(
                    instance.process_template_response
                )
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self.middleware_chain = handler
        self.fixed_routes = {}

    def resolve_request(self, request):
        """
        BaseHandler.resolve_request, answering a path it resolved before to a
        route that captures nothing (`/api/users/me/`, `/api/items/` at any
        cursor: the query string is not part of the path) from memory.

        Resolving walks the root, `api/` and the router's resolvers and builds
        a ResolverMatch at each level (123k instructions, 8 % of `/me`:
        docs/benchmarks.md) for an answer fixed by the URLconf. The key holds
        the resolver, which Django replaces when ROOT_URLCONF changes. A match
        with arguments (an item's id) is resolved every time, so what is kept
        is at most the URLconf's fixed routes; the bound only guards against
        a pattern that would match many paths without capturing.
        """
        if hasattr(request, "urlconf"):
            return super().resolve_request(request)
        resolver = get_resolver()
        key = (resolver, request.path_info)
        match = self.fixed_routes.get(key)
        if match is None:
            match = resolver.resolve(request.path_info)
            if (
                not match.args
                and not match.kwargs
                and len(self.fixed_routes) < FIXED_ROUTES_KEPT
            ):
                self.fixed_routes[key] = match
        request.resolver_match = match
        return match


def _dotted(instance) -> str:
    cls = type(instance)
    return f"{cls.__module__}.{cls.__qualname__}"
