from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    """
    DRF's content negotiation, answering the Accept headers that clients
    nearly always send (none, `*/*`, `application/json`) without parsing.

    DRF parses the header into media types and ranks them against each
    renderer on every request. For these values its answer is known: the
    first renderer, when that renderer's type is the one asked for or the
    client takes anything. Other values, and `?format=`, go through DRF.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT", "*/*")
        first = renderers[0]
        if accept in ("*/*", first.media_type) and not (
            format_suffix or self._format_asked(request)
        ):
            return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)

    def _format_asked(self, request) -> bool:
        parameter = self.settings.URL_FORMAT_OVERRIDE
        return bool(
            parameter
            and request.META.get("QUERY_STRING")
            and request.query_params.get(parameter)
        )
