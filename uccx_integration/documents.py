"""The UCCX Configuration API's documents, read and written in the shapes Cisco documents.

Every shape here follows an example on Cisco's Contact Center Express developer pages
(named per reader, and in docs/uccx.md); `tests/uccx_integration/cisco/` holds those
examples as fixtures, and the simulator writes its answers with the writers below, held
against the same fixtures. No Django, no HTTP.

- XML is what Cisco shows for every endpoint. JSON: Cisco lists application/json but shows
  no JSON example (unconfirmed), so a JSON body is read as the XML document's JSON form:
  the root element's children as keys, a repeated element as a list, an attribute as
  "@name", an element with attributes and text as {"@attr": …, "#text": …}.
- An answer that does not have the documented shape raises `DocumentError`, naming what
  was expected. Never a silent empty list.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from datetime import time as time_of_day
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

# XML from the network is read with defusedxml only: it refuses entity expansion
# (billion laughs) and external entities with a ValueError (DefusedXmlException).
from defusedxml import ElementTree

from uccx_integration.mapping import Rest
from uccx_integration.results import (
    Campaign,
    Contact,
    ContactList,
    Csq,
    DocumentError,
    ImportRun,
    ImportStatus,
    Resource,
    Skill,
)

# Characters XML 1.0 cannot carry at all: one of them would make UCCX refuse the whole
# batch, so they are dropped from the contact fields.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- parsing a body ----------------------------------------------------------------------
def parse(content: bytes, content_type: str, root: str) -> Element:
    """The body as an element named `root`; JSON is turned into the same tree."""
    if not content.strip():
        raise DocumentError(f"expected a <{root}> document, got an empty body")
    try:
        if "json" in content_type.lower():
            return from_json(root, json.loads(content))
        element = ElementTree.fromstring(content)
    except (ValueError, ElementTree.ParseError) as exc:
        raise DocumentError(f"expected a <{root}> document, got unreadable {exc}") from exc
    if element.tag != root:
        raise DocumentError(f"expected a <{root}> document, got <{element.tag}>")
    return element


def from_json(tag: str, value: Any) -> Element:
    element = Element(tag)
    if isinstance(value, Mapping):
        for key, child in value.items():
            if key.startswith("@"):
                element.set(key[1:], _scalar(child))
            elif key == "#text":
                element.text = _scalar(child)
            else:
                for item in child if isinstance(child, list) else [child]:
                    element.append(from_json(key, item))
    elif isinstance(value, list):
        raise DocumentError(f"expected an object for <{tag}>, got a list")
    else:
        element.text = _scalar(value)
    return element


def to_json(element: Element) -> Any:
    """The JSON form `from_json` reads (the root's own tag is not part of it)."""
    children = list(element)
    if not children and not element.attrib:
        return element.text or ""
    result: dict[str, Any] = {f"@{k}": v for k, v in element.attrib.items()}
    if element.text and element.text.strip() and not children:
        result["#text"] = element.text
    for child in children:
        value = to_json(child)
        if child.tag in result:
            existing = result[child.tag]
            result[child.tag] = (
                [*existing, value]
                if isinstance(existing, list)
                else [
                    existing,
                    value,
                ]
            )
        else:
            result[child.tag] = value
    return result


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


# --- readers: one per documented answer ----------------------------------------------------
def read_contact_list(root: Element) -> ContactList:
    """ "Get List of Pending Contacts for Campaign" and "… with Specific Call Status":
    <campaignContacts><campaign name=…><refURL/></campaign><csvdata>CSV</csvdata>."""
    csvdata = root.find(Rest.CSVDATA)
    if csvdata is None:
        raise DocumentError(f"expected <{Rest.CAMPAIGN_CONTACTS}> with <{Rest.CSVDATA}>")
    campaign = root.find(Rest.CAMPAIGN)
    name = campaign.get(Rest.NAME_ATTRIBUTE, "") if campaign is not None else ""
    url = _campaign_ref(campaign)
    return ContactList(name, url, tuple(_contact(row) for row in read_csvdata(csvdata.text)))


def _campaign_ref(campaign: Element | None) -> str:
    if campaign is None:
        return ""
    link = campaign.find("link")  # Cisco's first pending-list example: <link href=…/>
    return _text(campaign, Rest.REF_URL) or (link.get("href", "") if link is not None else "")


def read_csvdata(text: str | None) -> list[dict[str, str]]:
    """CSV rows keyed by normalised header name ("call status"). Cisco: the first
    non-empty line is the header, names are case-insensitive; its examples pad values
    with spaces and print a long header over two lines ending in a comma, which is
    joined here."""
    header, rest = _split_header(text or "")
    if not header:
        return []
    rows = []
    for record in csv.reader(io.StringIO(rest, newline=""), skipinitialspace=True):
        values = [value.strip() for value in record]
        if any(values):
            rows.append(dict(zip(header, values, strict=False)))
    return rows


def csvdata_header(text: str | None) -> list[str]:
    return _split_header(text or "")[0]


def _split_header(text: str) -> tuple[list[str], str]:
    lines = text.splitlines(keepends=True)
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return [], ""
    header_text = lines.pop(0).strip()
    while header_text.endswith(",") and lines:
        header_text += lines.pop(0).strip()
    header = [header_name(name) for name in next(csv.reader([header_text]))]
    if Rest.CSV_PHONE1 not in header:
        raise DocumentError(f"expected a csvdata header naming phone1, got {header_text!r}")
    return header, "".join(lines)


def header_name(name: str) -> str:
    return " ".join(name.split()).lower()


def _contact(row: Mapping[str, str]) -> Contact:
    def get(name: str) -> str:
        return row.get(name, "")

    return Contact(
        account_number=get(Rest.CSV_ACCOUNT_NUMBER),
        first_name=get(Rest.CSV_FIRST_NAME),
        last_name=get(Rest.CSV_LAST_NAME),
        phone1=get(Rest.CSV_PHONE1),
        phone2=get(Rest.CSV_PHONE2),
        phone3=get(Rest.CSV_PHONE3),
        dial_time=get(Rest.CSV_DIAL_TIME),
        call_status=_int(get(Rest.CSV_CALL_STATUS)),
        call_result=_int(get(Rest.CSV_CALL_RESULT)),
        callback_number=get(Rest.CSV_CALLBACK_NUMBER),
        last_number_dialled=get(Rest.CSV_LAST_NUMBER_DIALLED),
        calls_made=_int(get(Rest.CSV_CALLS_MADE_1)) or 0,
        retry=get(Rest.CSV_RETRY).lower() == "true",
    )


def read_import_status(root: Element) -> ImportStatus:
    """ "Get Campaign Contacts Import Status": <statusDetails><campaignId/><importStatus>
    <status importType="AUTO|MANUAL"><result/><startTime/><numContactsImported/>…"""
    block = root.find(Rest.IMPORT_STATUS)
    if block is None:
        raise DocumentError(f"expected <{Rest.STATUS_DETAILS}> with <{Rest.IMPORT_STATUS}>")
    runs = []
    for status in block.findall(Rest.STATUS):
        started = _int(_text(status, Rest.START_TIME))
        runs.append(
            ImportRun(
                import_type=status.get(Rest.IMPORT_TYPE, ""),
                result=_text(status, Rest.RESULT),
                started_at=datetime.fromtimestamp(started / 1000, UTC) if started else None,
                contacts_imported=_int(_text(status, Rest.NUM_CONTACTS_IMPORTED)),
                message_key=_text(status, f"{Rest.I18N}/{Rest.I18N_KEY}"),
            )
        )
    return ImportStatus(_int(_text(root, Rest.CAMPAIGN_ID)), tuple(runs))


def read_campaign(root: Element) -> Campaign:
    """ "Get Campaign" (and each <campaign> of "Get List of Campaigns"); maxDialAttempts
    sits in the type's block under typeSpecificInfo (obIvrProgressive, obPreview, …)."""
    try:
        return Campaign(
            id=int(_required(root, Rest.CAMPAIGN_ID)),
            name=_required(root, Rest.CAMPAIGN_NAME),
            enabled=_text(root, Rest.ENABLED).lower() == "true",
            start_time=_time(_text(root, Rest.START_TIME)),
            end_time=_time(_text(root, Rest.END_TIME)),
            time_zone=_text(root, Rest.TIME_ZONE),
            campaign_type=_text(root, Rest.CAMPAIGN_TYPE),
            max_dial_attempts=_int(_text(root, f"{Rest.TYPE_SPECIFIC_INFO}/*/{Rest.MAX_DIAL}")),
            pending_contacts=_int(_text(root, Rest.PENDING_CONTACTS)),
            dialer_type=_text(root, Rest.DIALER_TYPE),
        )
    except ValueError as exc:
        raise DocumentError(f"expected a readable <{Rest.CAMPAIGN}>: {exc}") from exc


def read_campaigns(root: Element) -> list[Campaign]:
    """ "Get List of Campaigns": <campaigns><campaign>…</campaign>…</campaigns>."""
    return [read_campaign(item) for item in root.findall(Rest.CAMPAIGN)]


def read_skills(root: Element) -> list[Skill]:
    """ "Get List of Skills": <Skills><Skill><self/><skillId/><skillName/></Skill>…"""
    return [
        Skill(_id(item, Rest.SKILL_ID), _required(item, Rest.SKILL_NAME))
        for item in root.findall(Rest.SKILL)
    ]


def read_csqs(root: Element) -> list[Csq]:
    """ "Get List of CSQs": <csqs><csq><self/><id/><name/><queueType/>…</csq>…"""
    return [
        Csq(_id(item, Rest.ID), _required(item, Rest.NAME), _text(item, Rest.QUEUE_TYPE))
        for item in root.findall(Rest.CSQ)
    ]


def read_resources(root: Element) -> list[Resource]:
    """ "Get List of Resources": <resources><resource><userID/>…<team name=…><refURL/>."""
    resources = []
    for item in root.findall(Rest.RESOURCE):
        team = item.find(Rest.TEAM)
        resources.append(
            Resource(
                user_id=_required(item, Rest.USER_ID),
                first_name=_text(item, Rest.FIRST_NAME),
                last_name=_text(item, Rest.LAST_NAME),
                extension=_text(item, Rest.EXTENSION),
                team=team.get(Rest.NAME_ATTRIBUTE, "") if team is not None else "",
            )
        )
    return resources


# --- writers (the add-contacts request, and the simulator's answers) -----------------------
def contacts_request(campaign_name: str, campaign_url: str, rows: Iterable[Sequence[str]]) -> str:
    """ "Add Contacts to Campaign": the <campaignContacts> body, CSV inside XML."""
    root = Element(Rest.CAMPAIGN_CONTACTS)
    campaign = SubElement(root, Rest.CAMPAIGN, {Rest.NAME_ATTRIBUTE: campaign_name})
    SubElement(campaign, Rest.REF_URL).text = campaign_url
    SubElement(root, Rest.ALLOW_DUPLICATES).text = "false"
    SubElement(root, Rest.CSVDATA).text = write_csvdata(Rest.ADD_CSV_HEADER, rows)
    return to_xml(root)


def write_csvdata(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """CSV text; the csv module quotes commas, quotes and newlines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([XML_ILLEGAL.sub("", value) for value in row])
    return buffer.getvalue()


def to_xml(root: Element) -> str:
    # A carriage return inside XML text is normalised to a newline unless written as a
    # character reference.
    body = tostring(root, encoding="unicode").replace("\r", "&#13;")
    return '<?xml version="1.0" encoding="UTF-8"?>' + body


# --- helpers -------------------------------------------------------------------------------
def _text(element: Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _required(element: Element, path: str) -> str:
    value = _text(element, path)
    if not value:
        raise DocumentError(f"expected <{element.tag}> to have <{path}>")
    return value


def _id(element: Element, path: str) -> int:
    value = _required(element, path)
    try:
        return int(value)
    except ValueError:
        raise DocumentError(f"expected a number in <{element.tag}>/<{path}>: {value!r}") from None


def _int(text: str) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _time(text: str) -> time_of_day | None:
    return time_of_day.fromisoformat(text) if text else None
