"""Write BSON documents (mongodump layout: back to back) to stdout.

Input on stdin: one JSON document per line. JSON types map to BSON as a
JavaScript driver would store them: integers that fit int32 become int32,
larger ones int64, other numbers double. Wrappers for what JSON cannot say:
  {"$oid": "<24 hex>"}       ObjectId
  {"$long": "<n>"}           int64 even when small
  {"$double": <n>}           double even when integral
  {"$rawstr": "<hex>"}       a string element holding these exact bytes
                             (e.g. "ff" for invalid UTF-8)
Duplicate keys are kept, in order.

Used by run.sh so the binary test inputs are readable in the test itself.
"""
import json
import struct
import sys


def cstring(s):
    return s.encode("utf-8") + b"\0"


def element(key, value):
    k = cstring(key)
    if isinstance(value, bool):
        return b"\x08" + k + (b"\x01" if value else b"\x00")
    if value is None:
        return b"\x0a" + k
    if isinstance(value, int):
        if -2**31 <= value < 2**31:
            return b"\x10" + k + struct.pack("<i", value)
        return b"\x12" + k + struct.pack("<q", value)
    if isinstance(value, float):
        return b"\x01" + k + struct.pack("<d", value)
    if isinstance(value, str):
        return string_element(k, value.encode("utf-8"))
    if isinstance(value, list) and not is_pairs(value):
        return b"\x04" + k + document([(str(i), v) for i, v in enumerate(value)])
    return wrapper(k, value)


def string_element(k, raw):
    return b"\x02" + k + struct.pack("<i", len(raw) + 1) + raw + b"\0"


def wrapper(k, pairs):
    d = dict(pairs)
    if len(pairs) == 1 and "$oid" in d:
        return b"\x07" + k + bytes.fromhex(d["$oid"])
    if len(pairs) == 1 and "$long" in d:
        return b"\x12" + k + struct.pack("<q", int(d["$long"]))
    if len(pairs) == 1 and "$double" in d:
        return b"\x01" + k + struct.pack("<d", float(d["$double"]))
    if len(pairs) == 1 and "$rawstr" in d:
        return string_element(k, bytes.fromhex(d["$rawstr"]))
    return b"\x03" + k + document(pairs)


class Pairs(list):
    """An object's members, in order, duplicates kept."""


def is_pairs(v):
    return isinstance(v, Pairs)


def document(pairs):
    body = b"".join(element(k, v) for k, v in pairs)
    return struct.pack("<i", len(body) + 5) + body + b"\0"


def main():
    out = sys.stdout.buffer
    for line in sys.stdin:
        if line.strip():
            out.write(document(json.loads(line, object_pairs_hook=Pairs)))


main()
