"""What the contract test ran, reported at the end of the session: operations, cases by
phase, answers by status class."""

from collections import Counter


class ContractCounts:
    def __init__(self):
        self.operations: set[str] = set()
        self.phases: Counter[str] = Counter()
        self.statuses: Counter[str] = Counter()

    def record(self, *, operation: str, phase: str, status: int | None) -> None:
        self.operations.add(operation)
        self.phases[phase] += 1
        self.statuses[str(status)] += 1

    def summary(self) -> str:
        phases = ", ".join(f"{n} {phase}" for phase, n in sorted(self.phases.items()))
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()))
        return (
            f"Schemathesis contract: {len(self.operations)} operations, "
            f"{sum(self.phases.values())} cases ({phases}); answers: {statuses}"
        )


CONTRACT_COUNTS = ContractCounts()
