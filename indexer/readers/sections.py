"""Group a flat stream of blocks into sections, for formats without pages.

Rule (shared with corpus/FORMAT.md): a new section starts at every heading of
level 1 or 2; text before the first heading belongs to section 1.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from .base import Block, Page

SECTION_LEVEL = 2


def group_sections(blocks: Iterable[Block], max_sections: int) -> Iterator[Page]:
    current: list[Block] = []
    number = 0
    for block in blocks:
        if 0 < block.heading_level <= SECTION_LEVEL and current:
            number += 1
            yield _page(number, current)
            if number >= max_sections:
                return
            current = []
        current.append(block)
    if current:
        yield _page(number + 1, current)


def _page(number: int, blocks: list[Block]) -> Page:
    heading = next((b.text for b in blocks if b.heading_level), "")
    label = heading[:80] if heading else f"section {number}"
    return Page(number=number, label=label, blocks=blocks)
