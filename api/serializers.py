from rest_framework import serializers

from api.models import Item
from config.fields import DateTimeField

# Formats a datetime exactly as the serializer's DateTimeFields do.
_timestamp = DateTimeField().to_representation


# Declared field by field rather than as a ModelSerializer, which would
# rebuild its fields from the model on every request of these hot endpoints.
class ItemSerializer(serializers.Serializer):
    """An item of the signed-in user, who is always its owner."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    created_at = DateTimeField(read_only=True)
    updated_at = DateTimeField(read_only=True)

    # Output is written out: DRF's own would copy the fields (with their
    # validators) and make several calls per field and item. The list hands
    # it ItemRows (api/selectors.py), the other actions models; the fields
    # still validate input and describe the schema, and a test keeps both
    # in step.
    def to_representation(self, instance):
        return {
            "id": instance.id,
            "name": instance.name,
            "description": instance.description,
            "created_at": _timestamp(instance.created_at),
            "updated_at": _timestamp(instance.updated_at),
        }

    def create(self, validated_data):
        return Item.objects.create(**validated_data)

    def update(self, instance, validated_data):
        for field, value in validated_data.items():
            setattr(instance, field, value)
        instance.save()
        return instance


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(["ok", "unavailable"])
    database = serializers.ChoiceField(["ok", "unavailable"])
    cache = serializers.ChoiceField(["ok", "unavailable"])
