"""The send loop: claim a few outbox rows, check consent again, send, record, repeat.

Exactly once, from the database:
- a row is claimed (queued -> sending) with a lease, by a conditional update, so two
  workers, a redelivered task or a retried task never hold the same row (``claims``);
- each message is marked sent in its own commit right after the SMTP server accepted it
  (``sent_record``); a worker killed between those two steps leaves the row "sending"
  until the lease expires, and it is then sent again with the same Message-ID. That
  instant is how a second delivery can happen, with two more the README lists (a server's
  reply lost after the last line, and a database away for longer than the lease while
  another worker takes the row). A task runs a few sender threads (one builds while
  another waits on the network), and they take turns for that instant, so a killed
  process has at most one such message (``sender``);
- rows a dead worker had claimed but not sent go back to the queue when their lease ends
  (``claims``, ``sweep``);
- a worker that loses the database keeps what it knows: when the database answers again
  (within seconds of a restart) it records the messages the server accepted meanwhile,
  writes the other outcomes it could not, and hands back at once the rows it had claimed
  and never started to end (a message whose last line was never sent cannot have been
  accepted). Then it carries on (``work``, ``Sender.put_right``);
- each claim has its own token. Nobody hands a row back before its lease ends, so within
  the first half of the lease the worker knows its rows are its own without asking; after
  that (a stalled SMTP server, a slow rate limit) it renews the lease on the rows it still
  holds and skips the others, which another worker may have taken. Results are recorded
  only on rows that carry the worker's token.

The modules: ``work`` (a task's run: sender threads, rounds after a lost database),
``sender`` (one sender: batch, checks, delivery, outcomes), ``claims`` (the outbox rows a
worker holds), ``sent_record`` (the statement that records a send), ``rate_limit``,
``smtp_errors`` (what a refusal means), ``stops`` (why a sender stops early) and
``sweep`` (the minute's tidy-up).
"""
