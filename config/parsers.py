from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """
    DRF's JSON parser, with absurdly nested documents answered by a 400.

    Python's json module raises RecursionError (not ValueError) on deep
    nesting such as `[[[[...]]]]`, which DRF would let through as a 500.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(
                "JSON parse error - document is nested too deeply"
            ) from exc
