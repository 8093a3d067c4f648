from datetime import UTC, datetime, timedelta, timezone

import pytest
from rest_framework import serializers

from config.fields import DateTimeField

VALUES = [
    datetime(2026, 11, 27, 16, 21, 5, 123456, tzinfo=UTC),
    datetime(2026, 11, 27, 16, 21, tzinfo=timezone(timedelta(hours=-5))),
    datetime(2026, 3, 29, 1, 30),
]


@pytest.mark.parametrize("time_zone", ["UTC", "Europe/Paris"])
@pytest.mark.parametrize("value", VALUES)
def test_datetimes_are_written_as_drf_writes_them(settings, time_zone, value):
    settings.TIME_ZONE = time_zone

    ours = DateTimeField().to_representation(value)

    assert ours == serializers.DateTimeField().to_representation(value)


def test_utc_is_written_with_a_z(settings):
    settings.TIME_ZONE = "UTC"

    assert DateTimeField().to_representation(VALUES[1]) == "2026-11-27T21:21:00Z"
