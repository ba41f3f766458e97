"""HOW records travel: the client side of the sync protocol (docs/sync-protocol.md). No Qt.

transport  the HTTP client (TLS, loopback-only plain HTTP, protocol errors as exceptions)
records    local rows <-> protocol records, and applying pulled records
outbox     persisted push batches, in flight / acknowledged / needs attention
pull       pages by cursor, reset, conflicts, reference documents
counts     the end-of-sync count check and its repair
minimise   erasing old closed episodes after a confirmed sync
engine     one whole sync, driven through a progress/cancel object
"""
