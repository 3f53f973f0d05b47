"""The catalog under concurrent use: readers never see a write half-done, and short-lived threads leak nothing."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime

from assistant.models import Citation, Fact
from assistant.settings import Settings
from assistant.store import Store


def fact(text: str, interaction_id: str = "a-1") -> Fact:
    return Fact(kind="life_event", text=text, subject=text, fact_id=f"{interaction_id}:{text}", customer_id="c1",
                recorded_at=datetime(2025, 5, 1, tzinfo=UTC),
                citations=[Citation(interaction_id=interaction_id, turn_ids=["0"])])


class PausingFacts(list):
    """Facts that stop mid-write: replace_facts has deleted the old ones and waits here before inserting."""

    def __init__(self, facts: list[Fact]) -> None:
        super().__init__(facts)
        self.reached, self.go = threading.Event(), threading.Event()

    def __iter__(self):
        self.reached.set()
        assert self.go.wait(10)
        return super().__iter__()


def test_a_fact_re_extraction_half_done_is_invisible_to_readers(tmp_path):
    store = Store(Settings(store_dir=tmp_path / "store"))
    store.replace_facts("c1", "a-1", [fact("exams"), fact("moving house")])
    pausing = PausingFacts([fact("exams"), fact("new job")])
    writer = threading.Thread(target=store.replace_facts, args=("c1", "a-1", pausing))
    writer.start()
    assert pausing.reached.wait(10)

    seen: list[list[str]] = []
    reader = threading.Thread(target=lambda: seen.append([f.text for f in store.facts("c1")]))
    reader.start()
    reader.join(10)
    pausing.go.set()
    writer.join(10)

    assert seen == [["exams", "moving house"]]  # the last committed state, not the DELETE alone
    assert sorted(f.text for f in store.facts("c1")) == ["exams", "new job"]
    store.close()


def test_reads_from_many_short_lived_threads_do_not_leak_connections(tmp_path):
    store = Store(Settings(store_dir=tmp_path / "store"))
    store.replace_facts("c1", "a-1", [fact("exams")])

    def read_in_a_thread() -> None:
        t = threading.Thread(target=store.facts, args=("c1",))
        t.start()
        t.join()

    for _ in range(5):
        read_in_a_thread()
    open_before = len(os.listdir("/proc/self/fd"))
    for _ in range(60):
        read_in_a_thread()
    assert len(os.listdir("/proc/self/fd")) <= open_before + 2
    store.close()
