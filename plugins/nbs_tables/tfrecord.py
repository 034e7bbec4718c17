"""A TensorFlow-free reader of the official NAS-Bench-101 TFRecord files.

Framing of each record: ``uint64 length (LE)``, ``uint32 masked CRC32C(length)``, ``data``,
``uint32 masked CRC32C(data)``; mask = rotate right 15 bits, plus 0xa282ead8. ``data`` is a JSON
array ``[module_hash, epochs, adjacency 0/1 string, ops comma string, base64 ModelMetrics]``.
Both CRCs are checked; a truncated or corrupt file raises :class:`DataFileError` naming the file
and the byte offset. Records are streamed, so the 2 GB ``nasbench_full.tfrecord`` needs no more
memory than one record.
"""

from __future__ import annotations

import base64
import binascii
import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import crc32c

from nasbench_suite import DataFileError

_MASK_DELTA = 0xA282EAD8


def masked_crc32c(data: bytes) -> int:
    crc = crc32c.crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def iter_records(path: Path) -> Iterator[bytes]:
    """Yield the payload of each record in a TFRecord file, checking framing and CRCs."""
    path = Path(path)
    try:
        handle: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by the with-block below
    except OSError as exc:
        raise DataFileError(path, f"cannot open TFRecord file ({exc.strerror})") from None
    with handle:
        offset = 0
        while True:
            header = handle.read(12)
            if not header:
                return
            if len(header) < 12:
                raise DataFileError(path, f"truncated record header at byte {offset}")
            (length,) = struct.unpack("<Q", header[:8])
            (length_crc,) = struct.unpack("<I", header[8:])
            if masked_crc32c(header[:8]) != length_crc:
                raise DataFileError(path, f"length CRC mismatch at byte {offset}; not a TFRecord file or corrupt")
            data = handle.read(length)
            footer = handle.read(4)
            if len(data) < length or len(footer) < 4:
                raise DataFileError(path, f"truncated record at byte {offset} (expected {length} bytes of data)")
            if masked_crc32c(data) != struct.unpack("<I", footer)[0]:
                raise DataFileError(path, f"data CRC mismatch in record at byte {offset}; the file is corrupt")
            yield data
            offset += 16 + length


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def decode_fields(buf: bytes) -> dict[int, list]:
    """Decode one protobuf message into ``field number -> list of raw values``.

    Varints become ints, 64-bit fields doubles, 32-bit fields floats, length-delimited fields
    bytes. Unknown fields are kept too (callers pick the numbers they know).
    """
    fields: dict[int, list] = {}
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, pos = _varint(buf, pos)
        elif wire_type == 1:
            (value,) = struct.unpack_from("<d", buf, pos)
            pos += 8
        elif wire_type == 2:
            size, pos = _varint(buf, pos)
            if pos + size > len(buf):
                raise ValueError("truncated length-delimited field")
            value, pos = buf[pos : pos + size], pos + size
        elif wire_type == 5:
            (value,) = struct.unpack_from("<f", buf, pos)
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire_type}")
        fields.setdefault(number, []).append(value)
    return fields


@dataclass(frozen=True)
class Evaluation:
    """One ``EvaluationData`` entry: metrics at an epoch of one training run."""

    epoch: float
    training_time: float
    train_accuracy: float
    validation_accuracy: float
    test_accuracy: float


@dataclass(frozen=True)
class NB101Record:
    """One TFRecord entry: one training run of one cell at one epoch budget."""

    module_hash: str
    epochs: int
    adjacency: str
    operations: tuple[str, ...]
    trainable_parameters: int
    evaluations: tuple[Evaluation, ...]


def parse_record(data: bytes) -> NB101Record:
    module_hash, epochs, adjacency, ops, metrics_b64 = json.loads(data.decode("utf-8"))
    metrics = decode_fields(base64.b64decode(metrics_b64))
    evaluations = []
    for raw in metrics.get(1, []):
        entry = decode_fields(raw)
        values = [entry.get(number, [0.0])[0] for number in (1, 2, 3, 4, 5)]
        evaluations.append(Evaluation(*(float(v) for v in values)))
    return NB101Record(
        module_hash=str(module_hash),
        epochs=int(epochs),
        adjacency=str(adjacency),
        operations=tuple(str(ops).split(",")),
        trainable_parameters=int(metrics.get(2, [0])[0]),
        evaluations=tuple(evaluations),
    )


def read_nb101_tfrecord(path: Path) -> Iterator[NB101Record]:
    """Stream the parsed records of an official NB101 TFRecord file."""
    for index, data in enumerate(iter_records(path)):
        try:
            yield parse_record(data)
        except (ValueError, TypeError, UnicodeDecodeError, binascii.Error, struct.error) as exc:
            raise DataFileError(
                path, f"record {index} is not a NAS-Bench-101 record [hash, epochs, adjacency, ops, metrics] ({exc})"
            ) from None
