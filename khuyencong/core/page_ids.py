"""What a page's accessibility references point at: an `aria-describedby` naming no element leaves a screen reader's
user without the error or the hint it meant to read, and a label `for` a missing field is read as no label at all.
Used by the tests that open every page (a refused form included)."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

# The attributes whose value names other elements by id (space-separated for the aria ones).
REFERENCING = ("aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage", "for", "list")


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.seen: list[str] = []
        self.named: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.seen.append(value)
            elif name in REFERENCING and value and not (name == "for" and tag == "output"):
                self.named.extend((tag, name, one) for one in value.split())
            elif name == "href" and value and value.startswith("#") and len(value) > 1:
                # An in-page link (an error summary's to its field) that leads nowhere.
                self.named.append((tag, name, value[1:]))


def dangling_ids(html: str) -> list[str]:
    """Each reference to an id that no element of the page carries, as `tag[attribute=id]`, and each id two elements
    carry (a reference to it may lead to the wrong one: two forms of a page with fields of the same name)."""
    reader = _Ids()
    reader.feed(html)
    counted = Counter(reader.seen)
    return [f"{tag}[{name}={one}]" for tag, name, one in reader.named if one not in counted] + [
        f"[id={one}] ×{n}" for one, n in sorted(counted.items()) if n > 1
    ]
