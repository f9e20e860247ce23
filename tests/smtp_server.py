"""A real SMTP server on loopback (aiosmtpd) that counts what it receives.

Tests and the benchmark point EMAIL_URL at it. It can refuse: ``temporary_until`` answers
421 to every message until that time, ``refuse`` answers 550 for those addresses at RCPT,
``reject_content`` 554 for them after the content. ``reply_delay`` holds each reply to the
content that long after the message was counted (the window in which a sender has been
delivered to but does not know it yet); ``drop_after_content`` counts the message and then
closes the connection without a reply.
"""

import asyncio
import email
import logging
import socket
import threading
import time
from collections import Counter
from contextlib import closing

from aiosmtpd.controller import Controller


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CountingHandler:
    def __init__(self):
        self.lock = threading.Lock()
        self.deliveries = 0  # raw count: every accepted DATA
        self.message_ids: Counter = Counter()
        self.recipients: Counter = Counter()
        self.messages: list = []
        self.refuse: set[str] = set()
        self.temporary_until = 0.0
        self.temporary_answers = 0
        self.keep_messages = True
        self.sessions = 0  # EHLO greetings: one per SMTP connection
        self.reject_content: set[str] = set()
        self.reply_delay = 0.0
        self.drop_after_content = False
        self.mail_options: list[list[str]] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self.lock:
            self.sessions += 1
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if time.monotonic() < self.temporary_until:
            with self.lock:
                self.temporary_answers += 1
            return "421 4.3.2 Try again later"
        if {address.lower() for address in envelope.rcpt_tos} & self.reject_content:
            return "554 5.7.1 Message refused"
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.deliveries += 1
            self.message_ids[message["Message-ID"]] += 1
            for address in envelope.rcpt_tos:
                self.recipients[address.lower()] += 1
            if self.keep_messages:
                self.messages.append(message)
            self.mail_options.append(list(envelope.mail_options))
        if self.drop_after_content:
            server.transport.close()
        if self.reply_delay:
            await asyncio.sleep(self.reply_delay)
        return "250 Message accepted"

    def distinct(self) -> int:
        return len(self.message_ids)


class SMTPSink:
    def __init__(self):
        # aiosmtpd logs every command at INFO: at thousands of messages that is the bottleneck.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.handler = CountingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
