"""At most OUTREACH_RATE_PER_MINUTE messages a minute across all workers."""

import logging
import threading
import time
from collections import Counter

from django.conf import settings

from .stops import SendingHalted

logger = logging.getLogger(__name__)


class RateLimiter:
    """With a Redis broker the count is shared (one counter per minute, INCR); without one
    it is this process's own."""

    def __init__(self, limit: int | None = None, clock=time.time, sleep=time.sleep):
        self.limit = settings.OUTREACH_RATE_PER_MINUTE if limit is None else limit
        self.clock, self.sleep = clock, sleep
        self.local = Counter()
        self.local_lock = threading.Lock()  # sender threads share one limiter
        self.redis = None
        if self.limit and settings.CELERY_BROKER_URL.startswith("redis"):
            import redis

            self.redis = redis.Redis.from_url(settings.CELERY_BROKER_URL)
            self.redis_errors = (redis.ConnectionError, redis.TimeoutError)

    def wait(self, halt: threading.Event | None = None) -> None:
        """Return when one more message fits in this minute's count."""
        if not self.limit:
            return
        while True:
            if halt is not None and halt.is_set():
                raise SendingHalted  # another sender of the task stopped: stop waiting too
            minute = int(self.clock() // 60)
            if self.redis is not None:
                key = f"civicnet:outreach:rate:{minute}"
                try:
                    # One round trip: the key is created with its expiry, then counted, so
                    # a failure between two commands can neither count twice nor leave a
                    # key that never expires.
                    pipe = self.redis.pipeline()
                    pipe.set(key, 0, ex=120, nx=True)
                    pipe.incr(key)
                    used = pipe.execute()[-1]
                except self.redis_errors as error:
                    # The shared count is unknown while Redis is away: wait for it rather
                    # than exceed the limit (the row's lease is renewed after the wait).
                    logger.warning("rate limit: Redis unavailable (%s); waiting", error)
                    self.sleep(1.0)
                    continue
            else:
                with self.local_lock:
                    self.local[minute] += 1
                    used = self.local[minute]
            if used <= self.limit:
                return
            self.sleep(max(0.05, 60 - self.clock() % 60))
