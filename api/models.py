from django.conf import settings
from django.db import models
from django.utils import timezone


class Item(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="items"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Serves "this owner's items, newest first" and the cursor that
            # pages through them, at any number of items.
            models.Index(
                fields=["owner", "-created_at", "-id"], name="item_owner_newest"
            ),
        ]

    def __str__(self):
        return self.name
