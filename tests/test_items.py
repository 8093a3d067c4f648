import base64
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api.models import Item
from api.pagination import NewestFirstCursorPagination
from api.selectors import ItemRows
from api.serializers import ItemSerializer

LIST_URL = reverse("api:item-list")
GUIDE_LIST_URL = reverse("guide-items")


def detail_url(item_or_id) -> str:
    pk = getattr(item_or_id, "pk", item_or_id)
    return reverse("api:item-detail", args=[pk])


@pytest.fixture
def item(user) -> Item:
    return Item.objects.create(owner=user, name="Mine", description="kept")


@pytest.fixture
def others_item(other_user) -> Item:
    return Item.objects.create(owner=other_user, name="Theirs", description="secret")


def test_create_item_sets_the_caller_as_owner(auth_client, user):
    response = auth_client.post(LIST_URL, {"name": "Milk", "description": "2 L"})

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "name", "description", "created_at", "updated_at"}
    item = Item.objects.get(pk=body["id"])
    assert (item.owner, item.name, item.description) == (user, "Milk", "2 L")


def test_create_item_ignores_a_forged_owner(auth_client, user, other_user):
    response = auth_client.post(
        LIST_URL, {"name": "Forged", "owner": other_user.pk, "owner_id": other_user.pk}
    )

    assert response.status_code == 201
    assert Item.objects.get(pk=response.json()["id"]).owner == user
    assert not other_user.items.exists()


def test_description_is_optional(auth_client):
    response = auth_client.post(LIST_URL, {"name": "Bread"})

    assert response.status_code == 201
    assert response.json()["description"] == ""


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 201},
        {"name": None},
        {"name": ["a"]},
        {"name": {"a": 1}},
        {"name": "ok", "description": ["not", "text"]},
    ],
    ids=["missing", "empty", "blank", "too-long", "null", "list", "object", "desc"],
)
def test_invalid_item_is_a_400_and_nothing_is_saved(auth_client, body):
    response = auth_client.post(LIST_URL, body, format="json")

    assert response.status_code == 400
    assert Item.objects.count() == 0


def test_name_of_200_characters_and_unicode_is_accepted(auth_client):
    name = "é" * 199 + "🚀"

    response = auth_client.post(LIST_URL, {"name": name})

    assert response.status_code == 201
    assert Item.objects.get().name == name


def test_list_shows_only_the_callers_items_newest_first(auth_client, user, others_item):
    old = Item.objects.create(
        owner=user, name="old", created_at=timezone.now() - timedelta(days=1)
    )
    new = Item.objects.create(owner=user, name="new")

    response = auth_client.get(LIST_URL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    assert [i["id"] for i in body["results"]] == [new.pk, old.pk]


def test_list_shows_exactly_what_the_serializers_fields_describe(auth_client, user):
    Item.objects.create(owner=user, name="Zoë's 🚀", description="line\nbreak")
    Item.objects.create(owner=user, name="plain")
    items = Item.objects.filter(owner=user).order_by("-created_at", "-id")
    serializer = ItemSerializer()
    field_by_field = [
        serializers.Serializer.to_representation(serializer, item) for item in items
    ]

    results = auth_client.get(LIST_URL).json()["results"]

    assert results == field_by_field
    assert [ItemSerializer(item).data for item in items] == field_by_field


@pytest.mark.parametrize("page_size", [1, 2, 4, 100])
def test_pages_read_as_rows_are_the_pages_the_orm_reads(user, other_user, page_size):
    now = timezone.now()
    Item.objects.bulk_create(
        # Three items share each creation time: cursors then need offsets.
        Item(owner=owner, name=str(n), created_at=now - timedelta(seconds=n // 3))
        for n in range(11)
        for owner in (user, other_user)
    )

    def pages(url):
        request = Request(APIRequestFactory().get(url))
        orm, rows = NewestFirstCursorPagination(), NewestFirstCursorPagination()
        orm_page = orm.paginate_queryset(Item.objects.filter(owner=user), request)
        rows_page = rows.paginate_queryset(ItemRows(user.pk), request)
        assert [row.id for row in rows_page] == [item.id for item in orm_page]
        links = (orm.get_next_link(), orm.get_previous_link())
        assert (rows.get_next_link(), rows.get_previous_link()) == links
        return links

    url, last = f"http://testserver{LIST_URL}?page_size={page_size}", None
    while url:  # forwards to the end, then back to the start
        last, url = url, pages(url)[0]
    url = last
    while url:
        url = pages(url)[1]


def test_list_pages_with_a_cursor_without_gaps_or_repeats(auth_client, user):
    now = timezone.now()
    Item.objects.bulk_create(
        Item(owner=user, name=f"item {n}", created_at=now - timedelta(seconds=n))
        for n in range(45)
    )
    seen, url, pages = [], LIST_URL, 0
    while url:
        body = auth_client.get(url).json()
        seen += [i["name"] for i in body["results"]]
        url, pages = body["next"], pages + 1

    assert pages == 3
    assert seen == [f"item {n}" for n in range(45)]


def test_page_size_can_be_chosen_up_to_a_maximum(auth_client, user):
    Item.objects.bulk_create(Item(owner=user, name=str(n)) for n in range(120))

    assert len(auth_client.get(LIST_URL, {"page_size": 5}).json()["results"]) == 5
    assert len(auth_client.get(LIST_URL, {"page_size": 1000}).json()["results"]) == 100


def _b64(querystring: str) -> str:
    return base64.b64encode(querystring.encode()).decode()


FORGED_CURSORS = {
    "position-garbage": _b64("p=garbage"),
    "position-empty": _b64("p="),
    "position-nul": _b64("p=2026-01-01 00:00:00+00:00\x00"),
    "position-impossible-date": _b64("p=2026-13-45 99:99:99+00:00"),
    "position-without-offset": _b64("p=2026-01-01 00:00:00"),
    "position-past-year-9999-in-utc": _b64("p=9999-12-31 23:00:00-05:00"),
    "position-before-year-1-in-utc": _b64("p=0001-01-01 00:00:00+05:00"),
    "offset-negative": _b64("o=-1"),
    "offset-over-the-cutoff": _b64("o=1001"),
    "offset-huge": _b64("o=" + "9" * 30),
    "offset-unicode-digit": _b64("o=%D9%A1"),
    "reverse-2": _b64("r=2"),
    "reverse-garbage": _b64("r=garbage"),
    "not-base64": "!!not-base64!!",
    "not-ascii": "caf\u00e9",
    "decodes-to-binary": base64.b64encode(b"\xff\xfe\x00").decode(),
    "very-long": _b64("p=" + "2" * 5000),
}


@pytest.mark.parametrize("url", [LIST_URL, GUIDE_LIST_URL])
@pytest.mark.parametrize("cursor", FORGED_CURSORS.values(), ids=FORGED_CURSORS.keys())
def test_a_cursor_the_server_did_not_issue_is_a_404_not_a_500(
    auth_client, user, settings, url, cursor
):
    settings.DEBUG = False
    auth_client.raise_request_exception = False
    Item.objects.create(owner=user, name="Milk")

    response = auth_client.get(url, {"cursor": cursor})

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


@pytest.mark.parametrize(
    ("parts", "names"),
    [
        ({"p": "2026-01-01 00:00:00+00:00"}, ["Old"]),
        ({"p": "2025-01-01T00:00:00.123456Z"}, []),
        ({"o": "1000", "r": "1", "p": "2025-01-01 00:00:00-05:00"}, []),
    ],
)
def test_a_well_formed_cursor_made_by_hand_pages_from_its_position(
    auth_client, user, parts, names
):
    old = Item.objects.create(owner=user, name="Old")
    Item.objects.filter(pk=old.pk).update(created_at="2025-06-01T00:00:00Z")

    response = auth_client.get(LIST_URL, {"cursor": _b64(urlencode(parts))})

    assert response.status_code == 200
    assert [item["name"] for item in response.json()["results"]] == names


def test_retrieve_update_and_delete_own_item(auth_client, item):
    assert auth_client.get(detail_url(item)).json()["name"] == "Mine"

    put = auth_client.put(detail_url(item), {"name": "Renamed", "description": ""})
    assert put.status_code == 200
    patch = auth_client.patch(detail_url(item), {"description": "new"})
    assert patch.status_code == 200
    item.refresh_from_db()
    assert (item.name, item.description) == ("Renamed", "new")

    assert auth_client.delete(detail_url(item)).status_code == 204
    assert not Item.objects.filter(pk=item.pk).exists()


def test_update_cannot_move_an_item_to_another_owner(auth_client, item, other_user):
    auth_client.patch(detail_url(item), {"owner": other_user.pk, "id": 12345})

    item.refresh_from_db()
    assert item.owner_id != other_user.pk
    assert Item.objects.filter(pk=item.pk).exists()


def test_another_users_item_is_a_404_for_every_method_and_stays_unchanged(
    auth_client, others_item
):
    url = detail_url(others_item)

    assert auth_client.get(url).status_code == 404
    assert auth_client.put(url, {"name": "pwned"}).status_code == 404
    assert auth_client.patch(url, {"name": "pwned"}).status_code == 404
    assert auth_client.delete(url).status_code == 404
    others_item.refresh_from_db()
    assert (others_item.name, others_item.description) == ("Theirs", "secret")
    assert "Theirs" not in auth_client.get(LIST_URL).content.decode()


@pytest.mark.parametrize("pk", ["0", "99999", "9" * 30, "-1", "abc"])
def test_missing_or_absurd_ids_are_a_404(auth_client, pk):
    assert auth_client.get(f"{LIST_URL}{pk}/").status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_items_need_a_token(api_client, db, method):
    response = getattr(api_client, method)(LIST_URL, {"name": "x"})

    assert response.status_code == 401
    assert Item.objects.count() == 0


def test_item_detail_needs_a_token(api_client, item):
    assert api_client.get(detail_url(item)).status_code == 401
    assert api_client.delete(detail_url(item)).status_code == 401
    assert Item.objects.filter(pk=item.pk).exists()


def test_deleting_a_user_deletes_their_items(user, item):
    user.delete()

    assert not Item.objects.exists()
