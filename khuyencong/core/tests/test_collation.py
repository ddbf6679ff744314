"""Vietnamese alphabetical order of short lists sorted in memory (the overview's bodies, the map's provinces, the
organisations on SQLite): the order PostgreSQL's ICU collation gives the lists it sorts itself."""

from __future__ import annotations

from khuyencong.core.collation import python_key


def test_in_memory_the_vietnamese_alphabet_orders_its_own_letters_then_the_tones() -> None:
    # ă and â are letters after a, đ after d, ơ and ư after o and u; the tones only order words alike otherwise
    names = ["Bắc Ninh", "Điện Biên", "Bạc Liêu", "Bà Rịa - Vũng Tàu", "Dak Lak", "Hậu Giang", "Huế", "Hà Nội",
             "Thừa Thiên Huế", "Thái Bình", "Ân Thi", "An Giang", "Hải Phòng", "Bình Định", "Bình Dương",
             "Đà Nẵng"]  # fmt: skip
    assert sorted(names, key=python_key) == [
        "An Giang", "Ân Thi", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Ninh", "Bình Dương", "Bình Định", "Dak Lak",
        "Đà Nẵng", "Điện Biên", "Hà Nội", "Hải Phòng", "Hậu Giang", "Huế", "Thái Bình", "Thừa Thiên Huế",
    ]  # fmt: skip
    # Tones second: a word before the same word with a tone, whatever follows
    assert sorted(["Má", "Ma", "Mà", "Mạ", "Mả", "Mã"], key=python_key) == ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]
