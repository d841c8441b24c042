"""Request bodies: JSON for the gadget API; JSON, flat XML or a form for the IVR.

The IVR keeps form bodies (urlencoded or multipart): CCX's Make REST Call sends what the
script builds, and a form is the easiest body before 11.6 (docs/ivr-script.md).

The gadget's endpoints say JSON (docs/api.md): a form or multipart body is 415
`unsupported_media_type`, with a message naming the Content-Type to send
(`unsupported_media_type_message`, used by errors.exception_handler).

The IVR reads XML answers (`CallbackXMLRenderer`, a flat `<callback>` document), so it
may send the same shape back: `<callback><outcome>queued_agent</outcome></callback>`.
`CallbackXMLParser` reads exactly that: one root element `<callback>`, each field one
child element with text, nothing nested, no field twice. It parses with defusedxml
(already a dependency): a DTD, entities or external references are refused, never
expanded. Values stay text, as in a form body (djangorestframework-xml's own XMLParser
would turn `0012` into 12); the serializers convert them. Any bad body is 400
`invalid_xml`.
"""

from collections.abc import Iterable

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import BaseParser, FormParser, JSONParser, MultiPartParser

from .renderers import CallbackXMLRenderer

ROOT = CallbackXMLRenderer.root_tag_name
EXAMPLE = f"<{ROOT}><outcome>queued_agent</outcome></{ROOT}>"


class InvalidXML(exceptions.ParseError):
    default_code = "invalid_xml"


class CallbackXMLParser(BaseParser):
    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            parser = SafeElementTree.DefusedXMLParser(encoding=encoding, forbid_dtd=True)
            root = SafeElementTree.parse(stream, parser=parser).getroot()
        except DefusedXmlException as error:
            raise InvalidXML(
                _("The XML body may not declare a DTD or entities (%(why)s).")
                % {"why": type(error).__name__}
            ) from None
        except (SafeElementTree.ParseError, ValueError, LookupError) as error:
            raise InvalidXML(
                _("The body is not well-formed XML (%(why)s); send e.g. %(example)s.")
                % {"why": error, "example": EXAMPLE}
            ) from None
        if root.tag != ROOT:
            raise InvalidXML(
                _("The XML body's root element must be <%(root)s>, not <%(tag)s>.")
                % {"root": ROOT, "tag": root.tag}
            )
        data: dict[str, str] = {}
        for child in root:
            if len(child) or child.tag in data or not isinstance(child.tag, str):
                raise InvalidXML(
                    _(
                        "The XML body must be flat: one element per field, each once, "
                        "with text only (<%(tag)s> is not)."
                    )
                    % {"tag": child.tag}
                )
            data[child.tag] = (child.text or "").strip()
        return data


class CallbackTextXMLParser(CallbackXMLParser):
    """The same document sent as text/xml."""

    media_type = "text/xml"


# The bodies each family of views reads (callbacks/api/views.py).
GADGET_PARSERS: list[type[BaseParser]] = [JSONParser]
IVR_PARSERS: list[type[BaseParser]] = [
    JSONParser,
    CallbackXMLParser,
    CallbackTextXMLParser,
    FormParser,
    MultiPartParser,  # what a plain form may send; accepted before XML was, kept
]


def unsupported_media_type_message(media_type: str, parsers: Iterable[BaseParser]) -> str:
    accepted = ", ".join(parser.media_type for parser in parsers)
    return _("This endpoint does not read a %(media_type)s body; send %(accepted)s.") % {
        "media_type": media_type.split(";")[0].strip() or _("body without a Content-Type"),
        "accepted": accepted,
    }
