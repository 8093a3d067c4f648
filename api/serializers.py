from rest_framework import serializers

from api.models import Item
from config.fields import DateTimeField


# Declared field by field rather than as a ModelSerializer, which would
# rebuild its fields from the model on every request of these hot endpoints.
class ItemSerializer(serializers.Serializer):
    """An item of the signed-in user, who is always its owner."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    created_at = DateTimeField(read_only=True)
    updated_at = DateTimeField(read_only=True)

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
