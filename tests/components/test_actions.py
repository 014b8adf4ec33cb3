"""The page's ordered channel, server side: actions taken once, in order, from whatever the page sends."""

from __future__ import annotations

from components.actions import Channel, Handler, later, queued


def _recording() -> tuple[list[tuple[str, int]], dict[str, Handler]]:
    seen: list[tuple[str, int]] = []
    handlers = {
        kind: Handler(lambda a, _conn, k=kind: seen.append((k, a["seq"]))) for kind in ("select", "speak")
    }
    return seen, handlers


def test_each_action_once_in_order_across_resends() -> None:
    seen, handlers = _recording()
    applied: dict[str, int] = {}
    channel = Channel("reader", applied)
    # the page's queue as it arrives: out of order in the list, then sent again with one more
    first = {
        "session": "p1",
        "actions": [{"seq": 2, "kind": "speak"}, {"seq": 1, "kind": "select"}],
        "tries": 1,
    }
    assert channel.take(first, handlers) == ["select", "speak"]
    again = {**first, "actions": [*first["actions"], {"seq": 3, "kind": "select"}], "tries": 2}
    assert channel.take(again, handlers) == ["select"]
    assert seen == [("select", 1), ("speak", 2), ("select", 3)]
    assert channel.acknowledged() == {"p1": 3} == applied  # kept where the session keeps it
    # another page session (another tab, a reload) counts on its own
    assert channel.take({"session": "p2", "actions": [{"seq": 1, "kind": "select"}]}, handlers) == ["select"]
    # an unknown kind is acknowledged and skipped, not tried forever
    assert channel.take({"session": "p1", "actions": [{"seq": 4, "kind": "explode"}]}, handlers) == []
    assert channel.acknowledged()["p1"] == 4


def test_malformed_queues_are_ignored() -> None:
    for value in (
        None,
        "x",
        {"session": 5, "actions": []},
        {"session": "", "actions": []},
        {"session": "s" * 65, "actions": []},
        {"session": "p", "actions": "nope"},
    ):
        assert queued(value) == (None, [])
    assert queued(
        {"session": "p", "actions": [{"seq": "1"}, {"seq": 0}, 7, {"seq": 2, "kind": "select"}]}
    ) == (
        "p",
        [{"seq": 2, "kind": "select"}],
    )


def test_an_action_that_must_wait_holds_back_those_after_it() -> None:
    seen, handlers = _recording()
    channel = Channel("reader", {})
    queue = {
        "session": "p1",
        "actions": [{"seq": 1, "kind": "select"}, {"seq": 2, "kind": "mark"}, {"seq": 3, "kind": "select"}],
    }
    # a mark while the words are still looked up: it waits, unacknowledged, and so does what came after it
    assert channel.take(queue, {**handlers, "mark": later()}) == ["select"]
    assert channel.acknowledged() == {"p1": 1}
    marks: list[int] = []
    ready = {**handlers, "mark": Handler(lambda a, _conn: marks.append(a["seq"]))}
    assert channel.take(queue, ready) == ["mark", "select"]
    assert marks == [2] and seen == [("select", 1), ("select", 3)]
    assert channel.acknowledged() == {"p1": 3}
