"""The default file storage: FileSystemStorage with uploaded names capped in bytes (decision 0016).

File systems limit one name to 255 bytes, not characters: "é" takes two bytes in UTF-8, so a
name of 120 "é" passed Django's 255-character checks and then failed to open (issue 7, finding 5).
Every FileField stores through this storage, so the cap holds for catalog files and pledge
evidence alike, whatever their upload_to adds in front.
"""

from django.core.files.storage import FileSystemStorage

# Leaves room under 255 bytes for the random prefix of evidence names (added before this cap
# applies, so counted in it) and Django's "_abc1234" suffix when a name is already taken.
MAX_FILE_NAME_BYTES = 200
# Longer "extensions" are not extensions (our accepted types have at most four letters).
MAX_EXTENSION_BYTES = 10


def cap_file_name(name, max_bytes=MAX_FILE_NAME_BYTES):
    """`name` (no folders) shortened to at most `max_bytes` bytes of UTF-8, keeping its extension.

    Cut on a character boundary, so a multi-byte character is never split in half.
    """
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    stem, dot, extension = name.rpartition(".")
    suffix = f".{extension}"
    if not dot or not stem or len(suffix.encode("utf-8")) > MAX_EXTENSION_BYTES:
        stem, suffix = name, ""
    budget = max_bytes - len(suffix.encode("utf-8"))
    return stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore") + suffix


class CappedNameFileSystemStorage(FileSystemStorage):
    def get_valid_name(self, name):
        return cap_file_name(super().get_valid_name(name))
