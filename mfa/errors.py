from rest_framework import status
from rest_framework.exceptions import APIException


class CodedConflict(APIException):
    """A 409 whose body names its reason: `{"detail", "code"}`."""

    status_code = status.HTTP_409_CONFLICT

    def __init__(self, detail=None):
        super().__init__(
            {"detail": detail or self.default_detail, "code": self.default_code}
        )
