"""Why a sender stops before the end of its rows."""


class SendingHalted(Exception):
    """A sender of this task sent a message it could not record: the task's other senders
    stop before their next acceptance, so the task leaves at most that one unrecorded."""


class SendNotRecorded(Exception):
    """The server accepted a message and recording it failed: it goes again (same
    Message-ID) when its lease ends."""


class LostClaim(Exception):
    """The row's lease ran out while its sender waited: another worker may hold it now."""
