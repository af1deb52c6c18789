"""The portal's plain-text policy: control characters never reach the database or a feed (decision 0016).

Text pasted from a word processor or a PDF can carry invisible control characters (a form feed
for a page break, a vertical tab, a stray NUL). Nobody means them, they cannot be written to XML
1.0 (the Atom feed, sitemaps) and PostgreSQL refuses NUL outright. So text is cleaned where it
comes in, the way a user expects (the characters are invisible, so removing them loses nothing):

- single-line text (a title, a name, a search): every control character is removed, and the
  whitespace-like ones (tab, line breaks, form feed) become a space;
- multi-line text (a summary, a note): tabs and line breaks stay, a form feed or vertical tab
  becomes a line break, the rest is removed.

Three layers apply it: every public form and the filter forms (clearinghouse.forms.USWDSFormMixin),
every model's full_clean() (TimeStampedModel, so the admin, the services and the CSV import too),
and output that must be XML (xml_safe), for rows stored before this policy.
"""

import re

# C0 controls and DEL, except tab, line feed and carriage return (kept in multi-line text).
_LINE_BREAK_LIKE = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_REMOVED_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f]")
# Code points XML 1.0 cannot carry at all (surrogates only reach Python from broken decoders).
_NOT_XML = re.compile(r"[\x00-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_XML_SPACES = re.compile(r"[\x0b\x0c]")
_SINGLE_LINE_SPACES = re.compile(r"[\t\n\r" + _LINE_BREAK_LIKE + "]")
_MULTI_LINE_BREAKS = re.compile("[" + _LINE_BREAK_LIKE + "]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def clean_single_line(text):
    """`text` without control characters; tabs and line breaks become spaces."""
    if not isinstance(text, str):
        return text
    text = _SINGLE_LINE_SPACES.sub(" ", text)
    return _SURROGATES.sub("\ufffd", _REMOVED_CONTROLS.sub("", text))


def clean_multi_line(text):
    """`text` without control characters, keeping tabs and line breaks; a form feed becomes a line break."""
    if not isinstance(text, str):
        return text
    text = _MULTI_LINE_BREAKS.sub("\n", text)
    return _SURROGATES.sub("\ufffd", _REMOVED_CONTROLS.sub("", text))


def xml_safe(text):
    """`text` with every character XML 1.0 cannot carry removed (a form feed or vertical tab becomes a space).

    For output of text stored before the policy above.
    """
    if not isinstance(text, str):
        return text
    return _NOT_XML.sub("", _XML_SPACES.sub(" ", text))
