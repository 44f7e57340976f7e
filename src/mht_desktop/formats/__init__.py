"""Reading and writing bank files: our native TOML plus the formats instructors already use.

Every reader takes the raw bytes and the file name (for messages) and returns a
:class:`ParsedBank`; none touches the database, so a bad file can never half-import.
"""

from mht_desktop.formats.base import ParsedBank, decode_text
from mht_desktop.formats.registry import detect_format, read_bank, write_bank

__all__ = ["ParsedBank", "decode_text", "detect_format", "read_bank", "write_bank"]
