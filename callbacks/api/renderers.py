"""XML for the UCCX callback script (CCX before 11.6 cannot parse JSON).

A flat `<callback>` document: each field one element, read with one XPath such as
`/callback/action`. Booleans are `true`/`false`, empty values empty elements.
"""

from rest_framework_xml.renderers import XMLRenderer


class CallbackXMLRenderer(XMLRenderer):
    root_tag_name = "callback"
    item_tag_name = "item"

    def _to_xml(self, xml, data):
        if isinstance(data, bool):
            xml.characters("true" if data else "false")
        else:
            super()._to_xml(xml, data)


class CallbackTextXMLRenderer(CallbackXMLRenderer):
    """The same document for scripts that ask for text/xml."""

    media_type = "text/xml"
    format = "xml"
