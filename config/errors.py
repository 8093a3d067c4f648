"""
Error pages that keep DRF's JSON shape (`{"detail": ...}`) for the API.

The admin keeps Django's HTML pages. None of them ever shows a traceback.
"""

from django.http import JsonResponse
from django.views import defaults


def _is_admin(request) -> bool:
    return request.path.startswith("/admin/")


def bad_request(request, exception):
    if _is_admin(request):
        return defaults.bad_request(request, exception)
    return JsonResponse({"detail": "Bad request."}, status=400)


def permission_denied(request, exception):
    if _is_admin(request):
        return defaults.permission_denied(request, exception)
    return JsonResponse({"detail": "Permission denied."}, status=403)


def page_not_found(request, exception):
    if _is_admin(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"detail": "Not found."}, status=404)


def server_error(request):
    if _is_admin(request):
        return defaults.server_error(request)
    return JsonResponse({"detail": "Server error."}, status=500)
