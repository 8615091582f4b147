"""Rendered PDFs kept in memory, least recently used first out, keyed by tenant and ETag.

The ETag hashes the document's data and template, so a cached entry can never be stale: changed data is
a different key. The bound is on bytes, not entries, since a long statement weighs a hundred invoices.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

DEFAULT_MAX_BYTES = int(os.environ.get("LEDGERPORT_PDF_CACHE_BYTES", str(64 * 1024 * 1024)))


class RenderCache:
    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[int, str], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, tenant_id: int, etag: str) -> bytes | None:
        with self._lock:
            content = self._items.get((tenant_id, etag))
            if content is None:
                self.misses += 1
                return None
            self._items.move_to_end((tenant_id, etag))
            self.hits += 1
            return content

    def put(self, tenant_id: int, etag: str, content: bytes) -> None:
        if len(content) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop((tenant_id, etag), None)
            self._size -= len(old) if old else 0
            self._items[(tenant_id, etag)] = content
            self._size += len(content)
            while self._size > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self._size -= len(evicted)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)


#: The process's cache of rendered documents.
rendered = RenderCache()
