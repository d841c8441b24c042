"""The simulator's document helpers: XML leaves and lists, error bodies, CSV values,
and the bad-request signal."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from uccx_integration import mapping as m
from uccx_integration.mapping import Rest


class _BadRequest(Exception):
    pass


def _dialing_row(row: Mapping[str, str]) -> dict[str, str]:
    """An add-contacts CSV row as DialingList column → value."""
    return {
        m.DIALING_LIST_COLUMN_BY_CSV[header]: row.get(header, "")
        for header in m.IMPORTED_CSV_HEADERS
    }


def _csv_value(row: Mapping[str, Any], header: str) -> str:
    value = row.get(m.DIALING_LIST_COLUMN_BY_CSV[header])
    if header == Rest.CSV_RETRY:
        value = "true" if value else "false"
    text = "" if value is None else str(value)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([text])  # quotes line breaks too
    return buffer.getvalue()[:-1]


def _leaves(parent: Element, *children: tuple[str, Any]) -> None:
    for tag, value in children:
        text = "" if value is None else value
        SubElement(parent, tag).text = (
            ("true" if text else "false") if isinstance(text, bool) else str(text)
        )


def _error(message: str) -> Element:
    root = Element(Rest.API_ERROR)
    SubElement(root, "errorMessage").text = message
    return root


def _list(root_tag: str, item_tag: str, items: Iterable[Iterable[tuple[str, Any]]]) -> Element:
    """A directory list: one <item_tag> of leaves per item."""
    root = Element(root_tag)
    for leaves in items:
        _leaves(SubElement(root, item_tag), *leaves)
    return root
