"""The progress part of the demo: compute rollups and statuses from whatever the other demo steps recorded.

Demo data is partly written in bulk, which bypasses the events that keep progress in step, so this step
recomputes everything; it is idempotent because it only ever derives.
"""

from __future__ import annotations

from pufa.progress import rollups, services


def seed_progress() -> None:
    rollups.rebuild_all()
    services.refresh()
