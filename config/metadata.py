"""What an OPTIONS request answers: DRF's description of a view."""

from rest_framework.metadata import SimpleMetadata


class APIMetadata(SimpleMetadata):
    """
    DRF's SimpleMetadata, for views that take no request body too.

    For each POST or PUT that the caller may send, SimpleMetadata describes
    the body from `view.get_serializer()`. A GenericAPIView without a
    serializer (`serializer_class = None`, such as a POST that takes no
    body) fails there with an AssertionError, which turned a harmless
    OPTIONS request into a 500. Such a view has no body to describe.
    """

    def determine_actions(self, request, view):
        if not _has_serializer(view):
            return {}
        return super().determine_actions(request, view)


def _has_serializer(view) -> bool:
    """
    Whether `view.get_serializer()` can build a serializer.

    GenericAPIView's own get_serializer_class() asserts that
    serializer_class is set; a view that overrides it decides for itself.
    """
    # Imported here: DRF imports this module while it defines APIView, which
    # GenericAPIView extends.
    from rest_framework.generics import GenericAPIView

    get_class = getattr(type(view), "get_serializer_class", None)
    if get_class is GenericAPIView.get_serializer_class:
        return view.serializer_class is not None
    return True
