from rest_framework.pagination import CursorPagination


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
