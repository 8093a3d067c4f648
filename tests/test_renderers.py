import datetime
import decimal
import uuid

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.exceptions import ErrorDetail

from config.renderers import JSONRenderer

DATA = [
    {"id": 1, "name": "Zoë 🚀", "bad": "line\u2028separator\u2029"},
    [{"detail": ErrorDetail("Not found.", code="not_found")}],
    {"lazy": gettext_lazy("Not found."), "when": datetime.datetime(2026, 1, 2)},
    {"amount": decimal.Decimal("1.50"), "id": uuid.UUID(int=1), "none": None},
    None,
]


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize(
    "media_type", ["application/json", "application/json; indent=4", None]
)
def test_json_is_written_as_drf_writes_it(data, media_type):
    ours = JSONRenderer().render(data, media_type, {})

    assert ours == renderers.JSONRenderer().render(data, media_type, {})


def test_an_indent_in_the_context_is_honoured():
    context = {"indent": 2}

    ours = JSONRenderer().render({"a": 1}, "application/json", context)

    assert ours == b'{\n  "a": 1\n}'
