"""The one streaming parser: lines split anywhere, SSE fields and comments, NDJSON, bad bytes."""

from __future__ import annotations

import pytest

from sdpa_ext.providers.stream import iter_lines, iter_ndjson, iter_sse, parse_frame


def test_lines_split_across_chunks_and_crlf_split_between_chunks():
    chunks = [b"data: one\r", b"\ndata: t", b"wo\n\nlast"]
    assert list(iter_lines(chunks)) == ["data: one", "data: two", "", "last"]


def test_bare_cr_ends_a_line():
    assert list(iter_lines([b"a\rb\r", b"c\n"])) == ["a", "b", "c"]


def test_multibyte_utf8_split_between_chunks_and_invalid_bytes():
    snow = "❄".encode()
    chunks = [b"x" + snow[:1], snow[1:] + b"\n", b"bad \xff\xfe\n"]
    assert list(iter_lines(chunks)) == ["x❄", "bad \ufffd\ufffd"]


def test_unicode_line_separators_inside_json_do_not_split():
    assert list(iter_lines(['{"t": "a\u2028b"}\n'.encode()])) == ['{"t": "a\u2028b"}']


def test_sse_events_comments_and_multiline_data():
    lines = [": keep-alive", "event: ping", "data: {}", "", "data: {\"a\":", "data: 1}", "", "id: 7",
             "retry: 100", "event: message_stop", "data: {}"]
    events = list(iter_sse(lines))
    assert [(e.event, e.data) for e in events] == [("ping", "{}"), ("message", '{"a":\n1}'), ("message_stop", "{}")]


def test_ndjson_skips_blank_lines():
    assert list(iter_ndjson(['{"a": 1}', "", '{"b": 2}'])) == [{"a": 1}, {"b": 2}]


def test_malformed_frame_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="malformed stream frame"):
        parse_frame("{not json")
    with pytest.raises(ValueError, match="unexpected stream frame"):
        parse_frame("[1, 2]")
