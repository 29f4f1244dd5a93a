"""kg.lexicon: the literal scanner stands in for its whole regular expression."""

from __future__ import annotations

import random

import pytest

from kg.lexicon import LiteralScanner

WORDS = ["重庆", "重庆市", "四川", "四川省", "川", "渝", "长江", "长寿区", "江津区", "生态环境局"]
ALPHABET = "重庆市四川省渝长江寿区津生态环境局与和、"


def _texts(n: int, *, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 300 if k % 5 == 0 else 30))) for k in range(n)]


@pytest.mark.parametrize("tail", ["", "(?:生态)?", "(?![市省])"])
def test_lexicon_scanner_finds_what_its_regex_finds(tail):
    scanner = LiteralScanner(WORDS, tail=tail)
    regex = scanner.regex
    for text in _texts(300):
        assert [m.span() for m in scanner.finditer(text)] == [m.span() for m in regex.finditer(text)], text
        found, expected = scanner.search(text), regex.search(text)
        assert (found and found.span()) == (expected and expected.span()), text


@pytest.mark.parametrize("method", ["match", "fullmatch", "search"])
def test_lexicon_scanner_takes_pos_and_endpos_as_re_does(method):
    scanner = LiteralScanner(WORDS, tail="(?:生态)?")
    regex = scanner.regex
    rng = random.Random(11)
    for text in _texts(200, seed=3):
        for _ in range(5):
            pos, endpos = rng.randint(-2, len(text) + 2), rng.randint(-2, len(text) + 2)
            found = getattr(scanner, method)(text, pos, endpos)
            expected = getattr(regex, method)(text, pos, endpos)
            assert (found and found.span()) == (expected and expected.span()), (text, pos, endpos)
