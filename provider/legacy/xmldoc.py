"""XML of the legacy API: one-line documents out, untrusted documents in.

Writing: the page says a document must contain no line breaks and a line break inside
data is written as the two characters ``\\n``; `line_text` does that for every text and
attribute we write, and `to_document` refuses to produce a document that still has one.

Reading: whatever the peer sends is untrusted (the platform for the client, anyone for the
sandbox). We drive expat ourselves, as defusedxml does, and refuse any DOCTYPE at its
first byte, so no entity can be declared and none expanded (no "billion laughs", no
external entities); the document is read as UTF-8 whatever its declaration says.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import NoReturn
from xml.parsers import expat

DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
MAX_DOCUMENT_BYTES = 1 << 20
"""A legacy request or answer is a few kilobytes; anything past 1 MiB is refused unread."""

_ESCAPED_LINE_BREAK = "\\n"


class XmlError(ValueError):
    """The bytes are not an XML document we are willing to read."""


def line_text(value: str) -> str:
    """Data for an XML text or attribute: line breaks written as ``\\n``."""
    return (
        value.replace("\r\n", _ESCAPED_LINE_BREAK)
        .replace("\r", _ESCAPED_LINE_BREAK)
        .replace("\n", _ESCAPED_LINE_BREAK)
    )


def data_text(value: str) -> str:
    """The inverse of `line_text`: the data a text of a received document stands for."""
    return value.replace(_ESCAPED_LINE_BREAK, "\n")


def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """A child element whose text and attributes are written on one line."""
    element = ET.SubElement(parent, tag, {k: line_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = line_text(text)
    return element


def to_document(root: ET.Element) -> bytes:
    """The whole document, UTF-8, on a single line."""
    text = DECLARATION + ET.tostring(root, encoding="unicode")
    if "\n" in text or "\r" in text:
        raise ValueError("an XML document of the legacy API must not contain line breaks")
    return text.encode("utf-8")


def parse_document(data: bytes) -> ET.Element:
    """The root element of an untrusted document; XmlError for anything else."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise XmlError(f"the document is longer than {MAX_DOCUMENT_BYTES} bytes")
    builder = ET.TreeBuilder()
    # The explicit encoding overrides the document's declaration: UTF-8, as the page says.
    parser = expat.ParserCreate("utf-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_entity
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
        return builder.close()
    except expat.ExpatError as exc:
        raise XmlError(f"not well-formed XML ({expat.ErrorString(exc.code)})") from None
    except AssertionError:
        # TreeBuilder.close() on a document that never opened an element.
        raise XmlError("the document has no root element") from None


def child_text(element: ET.Element, tag: str) -> str | None:
    """The data of a direct child's text (``\\n`` restored), None when there is no child."""
    child = element.find(tag)
    if child is None:
        return None
    return data_text(child.text or "")


def _refuse_doctype(*_: object) -> NoReturn:
    raise XmlError("a DOCTYPE is not accepted (no DTDs, no entities)")


def _refuse_entity(*_: object) -> NoReturn:
    raise XmlError("entity declarations are not accepted")
