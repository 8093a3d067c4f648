import re
from base64 import b64decode
from datetime import UTC, datetime
from urllib.parse import parse_qs

from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination

# A cursor this paginator issues is under 100 characters.
MAX_CURSOR_LENGTH = 200


class NewestFirstCursorPagination(CursorPagination):
    """
    Cursor pages, newest first.

    Unlike page numbers, a cursor page costs the same at any depth and needs
    no COUNT(*) over the table.
    """

    ordering = ("-created_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def decode_cursor(self, request):
        """
        Decode the cursor, answering 404 to one this paginator never issues.

        DRF's own decoding refuses an offset or a direction that does not
        parse, but hands the position to the query as it is: a made-up one
        (`p=garbage`) then failed in the database layer, a 500.
        """
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        cursor = _cursor_parse(encoded, max_offset=self.offset_cutoff)
        if cursor is None:
            raise NotFound(self.invalid_cursor_message)
        return cursor


def _cursor_parse(encoded: str, *, max_offset: int) -> Cursor | None:
    """
    Return the cursor that `encoded` stands for, or None if it stands for none.

    DRF encodes a cursor as base64 of `o=<offset>&r=1&p=<position>`, each
    part left out when it is 0, false or None. An offset over `max_offset`
    is refused rather than cut down to it as DRF does: that would serve the
    same page again and again.
    """
    if len(encoded) > MAX_CURSOR_LENGTH:
        return None
    try:
        querystring = b64decode(encoded.encode("ascii")).decode("ascii")
    except ValueError:  # binascii.Error and UnicodeError are ValueErrors
        return None
    tokens = parse_qs(querystring, keep_blank_values=True)
    offset = tokens.get("o", ["0"])[0]
    reverse = tokens.get("r", ["0"])[0]
    position = tokens.get("p", [None])[0]
    if not re.fullmatch(r"[0-9]{1,9}", offset) or int(offset) > max_offset:
        return None
    if reverse not in ("0", "1"):
        return None
    if position is not None and _position_parse(position) is None:
        return None
    return Cursor(offset=int(offset), reverse=reverse == "1", position=position)


def _position_parse(position: str) -> datetime | None:
    """
    Return the `created_at` that a cursor position names, or None.

    Positions are issued as `str(created_at)`, always with a UTC offset. A
    time without one, or one outside the years 1-9999 once moved to UTC
    (`9999-12-31 23:00-05:00`), is not one the server issued, and would
    fail in the database layer.
    """
    try:
        parsed = parse_datetime(position)
        if parsed is None or parsed.utcoffset() is None:
            return None
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
