"""What a long-running front end (``slawriter serve``) keeps between requests.

The terminal's session opens an agreement once; the browser's opens it on every request, and
reading the question files, the provider file and the agreement's comment-keeping YAML cost
more than the answer being saved. A ``Warm`` keeps them per process: the library and question
sets as they are, the provider file and each agreement file keyed by what the disk says about
the file (path, mtime, size, inode), so a file changed elsewhere (the terminal, an editor) is
read again. The agreement's parsed document is handed out as a copy: a request that changes
its answers and fails before saving leaves the kept document as the file has it.
"""

from __future__ import annotations

import copy
import os
import threading
from collections import OrderedDict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel
    from ruamel.yaml.comments import CommentedMap

    from slawriter.library import Library
    from slawriter.wizard.questions import QuestionSet

Stamp = tuple[str, int, int, int]  # resolved path, mtime_ns, size, inode

KEPT_DOCUMENTS = 32


def stamp(path: Path) -> Stamp | None:
    """What the disk says about ``path`` now; None when it is not there."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (str(path.resolve()), found.st_mtime_ns, found.st_size, found.st_ino)


class Warm:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._libraries: dict[str | None, Library] = {}
        self._questions: dict[tuple[str, str], QuestionSet] = {}
        self._providers: dict[Stamp, dict[str, Any]] = {}
        # path -> (its stamp, its bytes, the parsed document, never handed out itself)
        self._documents: OrderedDict[str, tuple[Stamp, bytes, CommentedMap]] = OrderedDict()

    def library(self, option: str | None) -> Library:
        from slawriter.library import Library

        with self._lock:
            found = self._libraries.get(option)
            if found is None:
                found = self._libraries[option] = Library.locate(option)
            return found

    def questions(self, folder: Path, name: str, model: type[BaseModel]) -> QuestionSet:
        """The question set ``name`` of ``folder``, read and checked against ``model`` once."""
        from slawriter.wizard.fields import check_keys
        from slawriter.wizard.questions import load_questions

        key = (str(folder), name)
        with self._lock:
            found = self._questions.get(key)
        if found is None:
            found = load_questions(folder, name)
            check_keys(found, model)
            with self._lock:
                self._questions[key] = found
        return found

    def provider(self, path: Path, questions_dir: Path, today: date) -> dict[str, Any]:
        """The provider file's data (checked), read again when the file changed."""
        from slawriter.wizard.provider import ensure_provider

        key = stamp(path)
        with self._lock:
            found = self._providers.get(key) if key else None
        if found is None:
            found = ensure_provider(path, questions_dir, None, today)
            if key is not None:
                with self._lock:
                    self._providers = {key: found}  # one provider file per server
        return copy.deepcopy(found)

    def document(self, path: Path) -> tuple[CommentedMap, bytes]:
        """The agreement file's round-trip document (a copy to change) and its bytes."""
        from slawriter.files import roundtrip

        key = stamp(path)
        raw = path.read_bytes() if key is not None else b""
        with self._lock:
            kept = self._documents.get(key[0]) if key else None
        # The bytes are compared as well: a file system with coarse times could show a
        # change made within the same tick as no change.
        if kept is not None and kept[0] == key and kept[1] == raw:
            return copy.deepcopy(kept[2]), raw
        data = roundtrip.load(path)
        if key is not None:
            self._keep(key, raw, copy.deepcopy(data))
        return data, raw

    def peek(self, path: Path) -> CommentedMap:
        """The agreement file's document, to read and never change (a list of files)."""
        key = stamp(path)
        with self._lock:
            kept = self._documents.get(key[0]) if key else None
        if kept is not None and kept[0] == key and kept[1] == path.read_bytes():
            return kept[2]
        return self.document(path)[0]

    def saved(self, path: Path, data: CommentedMap, written: bytes) -> None:
        """``data`` was just written to ``path`` as ``written``: the next request starts
        from it without reading the file again."""
        key = stamp(path)
        if key is not None:
            self._keep(key, written, copy.deepcopy(data))

    def _keep(self, key: Stamp, raw: bytes, data: CommentedMap) -> None:
        with self._lock:
            self._documents[key[0]] = (key, raw, data)
            self._documents.move_to_end(key[0])
            while len(self._documents) > KEPT_DOCUMENTS:
                self._documents.popitem(last=False)
