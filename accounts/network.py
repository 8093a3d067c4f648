"""Where a request comes from, as far as it can be trusted."""

import ipaddress

from django.conf import settings

# The one bucket shared by every request whose address cannot be read, so
# that an unreadable address never means "no per-IP limit".
UNKNOWN_CLIENT = "unknown"


def client_ip(request) -> str:
    """
    Return the client's IP address.

    X-Forwarded-For is only believed for the TRUSTED_PROXY proxies in front
    of the app: each proxy appends the address it saw, so the client is the
    entry that many places from the right. Anything further left was written
    by the client and could be forged. An entry that is not an IP address
    falls back to the peer's address (REMOTE_ADDR), and an unreadable peer
    address to one shared bucket.
    """
    peer = _ip_or_none(request.META.get("REMOTE_ADDR", ""))
    trusted = settings.TRUSTED_PROXY
    if trusted > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= trusted:
            address = _ip_or_none(forwarded[-trusted])
            if address is not None:
                return address
    return peer or UNKNOWN_CLIENT


def client_ip_for_storage(request) -> str | None:
    """The client's address for a GenericIPAddressField: None if unreadable."""
    address = client_ip(request)
    return None if address == UNKNOWN_CLIENT else address


def _ip_or_none(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")
