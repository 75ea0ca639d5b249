"""Reading an answer's JSON: depth refused without recursion, text repaired, long strings cut."""

import threading
import time

import pytest

from membercare.capillary._coerce import decimal, integer, number
from membercare.capillary._safe_json import CUT_MARKER, MAX_DEPTH, MAX_TEXT, NestedTooDeeply, loads


def nested(levels: int) -> bytes:
    return b'{"a":' * (levels - 1) + b"[1]" + b"}" * (levels - 1)


def test_json_as_deep_as_the_bound_is_read_and_one_level_more_is_refused():
    assert loads(nested(MAX_DEPTH)) is not None
    with pytest.raises(NestedTooDeeply):
        loads(nested(MAX_DEPTH + 1))


def test_brackets_inside_strings_do_not_count_as_nesting():
    body = b'{"note": "' + b"[{" * 500 + b'\\" [[[", "ok": ["]]]"]}'
    assert loads(body)["ok"] == ["]]]"]


def test_100000_levels_are_refused_before_parsing_even_on_a_thread_with_a_small_stack():
    """json.loads would recurse 100,000 times in C: on a 256 KB thread stack that crashes the
    process. The depth check comes first and needs no stack."""
    outcome: list[object] = []

    def read() -> None:
        try:
            loads(b"[" * 100_000 + b"]" * 100_000)
        except NestedTooDeeply as error:
            outcome.append(error)

    previous = threading.stack_size(256 * 1024)
    try:
        thread = threading.Thread(target=read)
        thread.start()
        thread.join(timeout=10)
    finally:
        threading.stack_size(previous)
    assert len(outcome) == 1


def test_a_string_left_open_is_not_json_and_takes_no_time():
    """Full of escaped quotes: a scan that tried again from every quote would take hours."""
    started = time.monotonic()
    with pytest.raises(ValueError, match=r"Unterminated|Expecting") as caught:
        loads(b'["' + b"[" * 100 + b'\\"' * 1_000_000)
    assert not isinstance(caught.value, NestedTooDeeply)
    assert time.monotonic() - started < 2


def test_lone_surrogates_become_replacement_characters_and_pairs_stay_characters():
    value = loads(b'{"name": "\\ud800Tom", "list": ["\\udfff"], "smile": "\\ud83d\\ude00"}')
    assert value == {"name": "\ufffdTom", "list": ["\ufffd"], "smile": "\U0001f600"}


def test_bytes_that_are_not_utf8_become_replacement_characters():
    assert loads(b'{"name": "Jos\xe9"}') == {"name": "Jos\ufffd"}


def test_a_utf8_byte_order_mark_is_allowed():
    assert loads(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}


def test_strings_longer_than_the_bound_are_cut_with_a_marker_at_any_depth():
    long = "x" * (MAX_TEXT * 3)
    value = loads(f'{{"a": [{{"b": "{long}"}}], "c": "{"y" * MAX_TEXT}"}}'.encode())
    cut = value["a"][0]["b"]
    assert len(cut) == MAX_TEXT
    assert cut.endswith(CUT_MARKER)
    assert value["c"] == "y" * MAX_TEXT  # exactly the bound: kept whole


def test_the_bound_counts_characters_whatever_their_escapes():
    over = "\\u00e9" * (MAX_TEXT + 1)  # 2,001 characters, written in six each
    under = "\\n" * (MAX_TEXT - 1)  # twice as long written, one less than the bound read
    value = loads(f'{{"over": "{over}", "under": "{under}"}}'.encode())
    assert value["over"] == "\u00e9" * (MAX_TEXT - 1) + CUT_MARKER
    assert value["under"] == "\n" * (MAX_TEXT - 1)


def test_surrogate_escapes_in_capitals_are_found_too():
    assert loads(b'["\\uDBFF", "\\uDC00ok"]') == ["\ufffd", "\ufffdok"]


@pytest.mark.parametrize("value", ["1e999999999", "-1e999999999", "1e-999999999", "1e31"])
def test_numbers_with_absurd_exponents_are_not_numbers_and_never_hang(value):
    assert decimal(value) is None
    assert number(value) is None
    assert integer(value) is None


def test_ordinary_numbers_still_read():
    assert number("2600") == 2600
    assert number("-1e3") == -1000
    assert str(decimal("0.000001")) == "0.000001"
