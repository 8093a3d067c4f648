from django.conf import settings
from django.http import JsonResponse


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
