from django.contrib import admin

from api.models import Item


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "created_at", "updated_at")
    list_filter = ("created_at",)
    search_fields = ("name", "owner__username")
    autocomplete_fields = ("owner",)
    date_hierarchy = "created_at"
    list_select_related = ("owner",)
