"""Validation of uploaded documents, shared by catalog files and pledge evidence.

The type is decided by the file's content (its magic bytes), never by its name
or the browser's Content-Type, and the extension must agree with the content.
"""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible

# Extension -> MIME type the content must have. Office formats are ZIP containers
# that `filetype` recognises by their inner structure.
BINARY_DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
TEXT_DOCUMENT_TYPES = {"txt": "text/plain", "csv": "text/csv"}
ALLOWED_EXTENSIONS = sorted({*BINARY_DOCUMENT_TYPES, *TEXT_DOCUMENT_TYPES})

# What the portal shows next to a download link.
TYPE_LABELS = {
    "pdf": "PDF",
    "docx": "Word document",
    "xlsx": "Excel spreadsheet",
    "pptx": "PowerPoint presentation",
    "odt": "OpenDocument text",
    "png": "PNG image",
    "jpg": "JPEG image",
    "jpeg": "JPEG image",
    "txt": "Text file",
    "csv": "CSV file",
}

SNIFF_BYTES = 8192


def file_extension(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _read_head(uploaded_file):
    position = uploaded_file.tell() if hasattr(uploaded_file, "tell") else 0
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    uploaded_file.seek(position)
    return head


def _looks_like_text(head):
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the sniff boundary is still text.
        return error.start >= len(head) - 3
    return True


@deconstructible
class DocumentUploadValidator:
    """Accept only safe document types, checked by content, up to a size cap."""

    def __init__(self, max_bytes=None):
        self.max_bytes = max_bytes

    def __call__(self, uploaded_file):
        # A model's full_clean() also runs this on the file already in storage (every admin save of
        # the record): that file was checked when it arrived, and reading it again would turn a
        # storage problem, or a later change of the size cap, into an error on an unrelated edit.
        if getattr(uploaded_file, "_committed", False):
            return
        max_bytes = self.max_bytes or settings.UPLOAD_MAX_BYTES
        if uploaded_file.size > max_bytes:
            raise ValidationError(
                "This file is %(size)s; the limit is %(limit)s.",
                code="file_too_large",
                params={"size": filesizeformat(uploaded_file.size), "limit": filesizeformat(max_bytes)},
            )
        extension = file_extension(uploaded_file.name)
        allowed = ", ".join(ext.upper() for ext in ALLOWED_EXTENSIONS)
        if extension not in BINARY_DOCUMENT_TYPES and extension not in TEXT_DOCUMENT_TYPES:
            raise ValidationError(
                "Files of this type are not accepted. Upload one of: %(allowed)s.",
                code="file_type_not_allowed",
                params={"allowed": allowed},
            )
        head = _read_head(uploaded_file)
        if extension in TEXT_DOCUMENT_TYPES:
            content_matches = _looks_like_text(head)
        else:
            detected = filetype.guess(head)
            content_matches = detected is not None and detected.mime == BINARY_DOCUMENT_TYPES[extension]
        if not content_matches:
            raise ValidationError(
                "The file’s content does not match its .%(extension)s name. Upload a real %(label)s.",
                code="file_content_mismatch",
                params={"extension": extension, "label": TYPE_LABELS[extension]},
            )

    def __eq__(self, other):
        return isinstance(other, DocumentUploadValidator) and self.max_bytes == other.max_bytes


validate_document_upload = DocumentUploadValidator()
