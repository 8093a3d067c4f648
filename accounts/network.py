"""Where a request comes from, as far as it can be trusted."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """
    Return the client's IP address.

    X-Forwarded-For is only believed for the TRUSTED_PROXY proxies in front
    of the app: each proxy appends the address it saw, so the client is the
    entry that many places from the right. Anything further left was written
    by the client and could be forged.
    """
    address = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY
    if trusted > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= trusted:
            address = forwarded[-trusted]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")
