"""Who is asking: the client's address, the same for sign-in lockouts and API throttles."""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    """The address, or for IPv6 its /64 network: one customer is usually given a whole /64,
    and counting each of its addresses apart would let one machine guess without limit."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped:  # ::ffff:203.0.113.7 is an IPv4 client
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)


def client_address(request) -> str | None:
    """REMOTE_ADDR, or behind PROXY_COUNT trusted proxies the address the outermost of them
    saw (counted from the right of X-Forwarded-For: what a client writes there itself is
    further left and is never believed). None when there is no valid address (a request
    built in code, such as a test's forced login)."""
    proxies = settings.PROXY_COUNT
    if proxies:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part for part in header.split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = _valid(forwarded[-proxies])
            if address:
                return address
    return _valid(request.META.get("REMOTE_ADDR", "") or "")
