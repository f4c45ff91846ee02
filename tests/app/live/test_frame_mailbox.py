"""The mailbox between the analysis process and the window: every note, the newest frame."""

from __future__ import annotations

import pickle

import pytest

from pianoscope.app.live.frame_mailbox import SLOTS, FrameMailbox


@pytest.fixture()
def mailbox():
    box = FrameMailbox.create(4096)
    yield box
    box.close()


def _publish(box: FrameMailbox, hops: range) -> None:
    for hop in hops:
        box.publish(("note", hop), pickle.dumps(("frame", hop)))


def test_reader_gets_every_note_and_only_the_newest_frame(mailbox):
    reader = FrameMailbox.attach(mailbox.name)
    _publish(mailbox, range(5))
    delivery = reader.take()
    assert delivery.notes == [("note", hop) for hop in range(5)]
    assert delivery.newest_frame == ("frame", 4)
    assert delivery.lost == 0
    assert reader.take().notes == []  # nothing new
    _publish(mailbox, range(5, 7))
    assert reader.take().notes == [("note", 5), ("note", 6)]


def test_a_reader_a_whole_ring_behind_counts_the_lost_hops_and_reads_no_torn_ones(mailbox):
    reader = FrameMailbox.attach(mailbox.name)
    _publish(mailbox, range(3 * SLOTS))
    delivery = reader.take()
    kept = [hop for _, hop in delivery.notes]
    assert kept == list(range(3 * SLOTS - len(kept), 3 * SLOTS))  # the newest, in order
    assert delivery.lost + len(kept) == 3 * SLOTS
    assert delivery.newest_frame == ("frame", 3 * SLOTS - 1)


def test_a_frame_too_large_for_a_slot_is_refused(mailbox):
    with pytest.raises(ValueError, match="larger than its mailbox slot"):
        mailbox.publish("note", bytes(5000))
