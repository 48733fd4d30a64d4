"""Spreadsheet cells stay text."""

from __future__ import annotations

import pytest

from app.platform.cells import neutralise, printable


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\uff1d1"])
def test_a_cell_that_would_start_a_formula_gets_a_leading_quote(value):
    assert neutralise(value) == "'" + value


def test_ordinary_text_is_left_alone():
    assert neutralise("Ana Souza ‏مرحبا 🙂") == "Ana Souza ‏مرحبا 🙂"


def test_characters_no_cell_can_hold_are_dropped():
    assert printable("a\x00b\x0bc\ufffed\ud800e\nf") == "abcde\nf"
