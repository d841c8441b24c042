"""XML for the UCCX callback script (CCX before 11.6 cannot parse JSON).

A flat `<callback>` document: each field one element, read with one XPath such as
`/callback/action`. Booleans are `true`/`false`, empty values empty elements.
"""

import re

from django.http import Http404
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework_xml.renderers import XMLRenderer

# Characters XML 1.0 cannot contain, shown as U+FFFD instead of failing the answer.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class CallbackXMLRenderer(XMLRenderer):
    root_tag_name = "callback"
    item_tag_name = "item"

    def _to_xml(self, xml, data):
        if isinstance(data, bool):
            xml.characters("true" if data else "false")
        elif isinstance(data, str):
            # An error message may quote input that XML 1.0 cannot carry.
            xml.characters(NOT_XML.sub("\ufffd", data))
        else:
            super()._to_xml(xml, data)


class CallbackTextXMLRenderer(CallbackXMLRenderer):
    """The same document for scripts that ask for text/xml."""

    media_type = "text/xml"
    format = "xml"


class FormatNegotiation(DefaultContentNegotiation):
    """An unknown ?format= is 406 Not Acceptable, like an unmet Accept header.

    DRF answers it with 404, which on the IVR routing endpoint would read as "unknown
    account number" and on every other one contradicts the documented 404s.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        if request.query_params.get(self.settings.URL_FORMAT_OVERRIDE, None) == "":
            # `?format=` names no format: refused like a blank filter, not read as absent.
            raise exceptions.NotAcceptable(
                f"Give a format ({_known(renderers)}), or leave ?format= out."
            )
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        try:
            return super().filter_renderers(renderers, format)
        except Http404:
            raise exceptions.NotAcceptable(
                f"This endpoint cannot answer in '{format}'; it answers {_known(renderers)}."
            ) from None


def _known(renderers) -> str:
    return ", ".join(sorted({r.format for r in renderers if r.format != "api"}))
