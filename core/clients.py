"""Who is asking: the client's address, the same for sign-in lockouts and API throttles."""

from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR, or behind PROXY_COUNT trusted proxies the address the outermost of them
    saw (counted from the right of X-Forwarded-For: what a client writes there itself is
    further left and is never believed)."""
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
