"""Session ids: vendor-shaped, never repeated, not even across a fork."""

from __future__ import annotations

import os
import re
import time
import warnings
from collections import Counter

from mirra.sessions.ids import IdGenerator, time_prefix


def test_ids_are_a_prefix_and_base62_and_never_repeat() -> None:
    ids = IdGenerator()
    made = [ids.new("cus_", 14) for _ in range(20_000)]
    assert all(re.fullmatch(r"cus_[0-9A-Za-z]{14}", made_id) for made_id in made)
    assert len(set(made)) == len(made)
    assert re.fullmatch(r"[0-9A-F]{8}", ids.hex_upper(8))


def test_every_base62_character_turns_up_about_equally() -> None:
    counts = Counter("".join(IdGenerator().new("", 1000) for _ in range(62)))
    assert set(counts) == set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    assert max(counts.values()) < 2 * min(counts.values())  # 1000 expected each


def test_an_id_longer_than_a_block_of_randomness() -> None:
    assert re.fullmatch(r"[0-9A-Za-z]{10000}", IdGenerator().new("", 10_000))


def test_a_forked_child_never_hands_out_the_parents_next_characters() -> None:
    ids = IdGenerator()
    ids.new("", 1)  # the parent holds a block now
    read, write = os.pipe()
    with warnings.catch_warnings():  # other tests' threads may run: the child only writes and exits
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        os.write(write, ids.new("", 64).encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 64).decode()
    assert child != ids.new("", 64)


def test_sortable_ids_begin_with_their_second_and_sort_in_time_order() -> None:
    before = int(time.time())
    made = IdGenerator().new_sortable("cus_", 14)
    after = int(time.time())
    assert re.fullmatch(r"cus_[0-9A-Za-z]{14}", made)
    assert made[4:10] in {time_prefix(second) for second in range(before, after + 1)}
    seconds = [0, 61, 62, 1_795_000_000, 1_795_000_001, 1_800_000_000, 62**6 - 1]
    assert [time_prefix(second) for second in seconds] == sorted(time_prefix(second) for second in seconds)
