"""Finding damage in a write-ahead log before SQLite reads it.

SQLite replays a WAL frame by frame and stops, silently, at the first frame whose checksum or
salt does not match: every transaction after a flipped or cut byte is dropped without an error.
The formats are in https://www.sqlite.org/fileformat2.html (sections 4.1 and 4.5).

Two independent witnesses tell a lost commit from an ordinary crash:
- the WAL itself: a frame with the log's salts that ends a transaction (a commit frame) lies
  *after* the first bad frame, or the WAL header is invalid while whole frames follow it;
- the ``-shm`` wal-index, which survives a crash or a kill: it records how many frames were
  committed (``mxFrame``) for the same salts. Fewer valid frames than that means frames were cut.
A kill in the middle of a write leaves neither sign (the unfinished transaction has no commit
frame and the wal-index is updated only after a commit), so neither is reported.
"""

from __future__ import annotations

import struct
import sys
from dataclasses import dataclass
from pathlib import Path

WAL_MAGIC = (0x377F0682, 0x377F0683)  # checksums little- / big-endian
WAL_VERSION = 3007000
WAL_HEADER = 32
FRAME_HEADER = 24
SHM_HEADER = 48


@dataclass(frozen=True)
class WalCheck:
    valid_frames: int  # frames SQLite will replay: up to the last valid commit frame
    problem: str | None = None  # what was lost, in words; None = nothing lost


def _checksum(data: bytes, s0: int, s1: int, big_endian: bool) -> tuple[int, int]:
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    mask = 0xFFFFFFFF
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & mask
        s1 = (s1 + words[i + 1] + s0) & mask
    return s0, s1


@dataclass(frozen=True)
class _Header:
    big_endian: bool
    page_size: int
    salts: tuple[int, int]
    checksum: tuple[int, int]


def _header(data: bytes) -> _Header | None:
    if len(data) < WAL_HEADER:
        return None
    magic, version, page_size, _seq, salt1, salt2, c1, c2 = struct.unpack(">8I", data[:32])
    if magic not in WAL_MAGIC or version != WAL_VERSION:
        return None
    big_endian = bool(magic & 1)
    if _checksum(data[:24], 0, 0, big_endian) != (c1, c2):
        return None
    if page_size == 1:
        page_size = 65536
    if page_size < 512 or page_size & (page_size - 1):
        return None
    return _Header(big_endian, page_size, (salt1, salt2), (c1, c2))


def _frames(data: bytes, page_size: int):  # noqa: ANN202
    size = FRAME_HEADER + page_size
    for offset in range(WAL_HEADER, len(data) - size + 1, size):
        yield offset, data[offset : offset + size]


def _scan(data: bytes, head: _Header) -> tuple[int, int | None, bool]:
    """(valid frames up to the last commit, index of the first bad frame, commit after it?)"""
    s0, s1 = head.checksum
    valid, bad_at, index = 0, None, 0
    for index, (_, frame) in enumerate(_frames(data, head.page_size)):
        _pgno, commit, salt1, salt2, c1, c2 = struct.unpack(">6I", frame[:24])
        if (salt1, salt2) != head.salts:
            return valid, None, False  # the end of this log; older frames follow
        s0, s1 = _checksum(frame[:8] + frame[24:], s0, s1, head.big_endian)
        if (s0, s1) != (c1, c2):
            bad_at = index
            break
        if commit:
            valid = index + 1
    if bad_at is None:
        return valid, None, False
    later_commit = False
    for index, (_, frame) in enumerate(_frames(data, head.page_size)):
        if index < bad_at:
            continue
        _pgno, commit, salt1, salt2 = struct.unpack(">4I", frame[:16])
        if (salt1, salt2) == head.salts and commit:
            later_commit = True
            break
    return valid, bad_at, later_commit


def _shm_committed(shm_path: Path) -> tuple[int, bytes] | None:
    """(mxFrame, the salts' bytes) from the wal-index header, if it is intact."""
    try:
        with shm_path.open("rb") as f:
            data = f.read(2 * SHM_HEADER)
    except OSError:
        return None
    if len(data) < 2 * SHM_HEADER or data[:SHM_HEADER] != data[SHM_HEADER:]:
        return None
    order = "<" if sys.byteorder == "little" else ">"
    version, _u, _change, is_init, _big, _sz, mx_frame, _npage = struct.unpack(
        f"{order}3IBBHII", data[:24]
    )
    c1, c2 = struct.unpack(f"{order}2I", data[40:48])
    if version != WAL_VERSION or not is_init:
        return None
    # The wal-index is checksummed in the machine's own byte order.
    if _checksum(data[:40], 0, 0, sys.byteorder == "big") != (c1, c2):
        return None
    # The salts are copied byte for byte from the WAL header.
    return mx_frame, data[32:40]


def check(db_path: Path) -> WalCheck:
    """Whether replaying ``<db>-wal`` would drop committed transactions."""
    wal_path = db_path.with_name(db_path.name + "-wal")
    try:
        data = wal_path.read_bytes()
    except FileNotFoundError:
        return WalCheck(0)
    shm = _shm_committed(db_path.with_name(db_path.name + "-shm"))
    head = _header(data)
    if head is None:
        page = 4096
        if len(data) >= WAL_HEADER + FRAME_HEADER + page or (shm and shm[0] > 0):
            return WalCheck(0, "the journal's header is damaged, so none of it can be read")
        return WalCheck(0)
    valid, bad_at, later_commit = _scan(data, head)
    if later_commit:
        return WalCheck(valid, f"the journal is damaged at frame {bad_at + 1}")
    if shm is not None and shm[1] == data[16:24] and shm[0] > valid:
        return WalCheck(valid, f"the journal was cut: {shm[0] - valid} saved pages are missing")
    return WalCheck(valid)
