"""The names every task is registered under: the task modules, the services that ask for
them (core.queue), the beat schedule and the worker's sweeps all say them from here, so a
rename cannot leave a caller asking for a task that no longer exists. No imports: the
settings read it before anything is loaded."""

NETWORK_SNAPSHOT_BUILD = "network.snapshot_build"
ENGAGEMENT_SNAPSHOT_BUILD = "engagement.snapshot_build"
OUTBOX_WORK = "outreach.outbox_work"
OUTREACH_SWEEP = "outreach.sweep"
OUTREACH_DUE = "outreach.due"
SNAPSHOTS_SWEEP = "snapshots.sweep"
DIAGNOSTICS_PING = "diagnostics.ping"
