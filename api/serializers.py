from rest_framework import serializers

from api.models import Item


class ItemSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=200, trim_whitespace=True)

    class Meta:
        model = Item
        fields = ("id", "name", "description", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(["ok", "unavailable"])
    database = serializers.ChoiceField(["ok", "unavailable"])
    cache = serializers.ChoiceField(["ok", "unavailable"])
