"""Short text messages: an interface, and a sink that writes each message as a file (no SMS
provider is set up yet). A message sent again under the same id replaces its file."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import Protocol


class TextMessages(Protocol):
    def send(self, to: str, text: str, *, message_id: str) -> None:
        """Send `text` to the phone number `to`; the same `message_id` is the same message."""


class FileTextMessages:
    """Each message as var/sms/<id digest>.txt: the number on the first line, then the text."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, to: str, text: str, *, message_id: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"sms-{hashlib.sha256(message_id.encode()).hexdigest()[:32]}.txt"
        partial = self.directory / f".{name}.{uuid.uuid4().hex}.partial"
        partial.write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")
        os.replace(partial, self.directory / name)
