#!/usr/bin/env python3
"""Bounded memory on a long stream, printed as TAP.

    stream_rss.py BSONGUARD BENCH EXAMPLES_DIR [GIB]

Pipes GIB (default 1) GiB of mongodump-style BSON (the benchmark's
conversation corpus, repeated) into `bsonguard check -`, then 128 MiB of
JSON lines full of invalid documents (examples/conversations.jsonl,
repeated), and reports each run's peak resident set size. Memory must stay
bounded (under RSS_LIMIT_MIB) however long the stream is: documents are
read, checked and reported one at a time.
"""
import os
import subprocess
import sys
import tempfile
import threading
import time

RSS_LIMIT_MIB = 32
MIB = 1 << 20


def feed(pipe, chunk, total):
    """Write `chunk` repeatedly until at least `total` bytes; return how many times."""
    times = 0
    try:
        while times * len(chunk) < total:
            pipe.write(chunk)
            times += 1
    finally:
        pipe.close()
    return times


def run(argv, chunk, total):
    """Run argv with the stream on stdin; return (status, last stdout line,
    stdout bytes, times the chunk was sent, peak RSS of this child in MiB)."""
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    sent = {}
    writer = threading.Thread(target=lambda: sent.update(n=feed(proc.stdin, chunk, total)))
    writer.start()
    peak = {"kib": 0}
    watcher = threading.Thread(target=watch_peak, args=(proc, peak))
    watcher.start()
    size, last = 0, b""
    for line in proc.stdout:  # drain as it comes: the report streams too
        size += len(line)
        last = line
    writer.join()
    status = proc.wait()
    watcher.join()
    return status, last.decode("utf-8", "replace").strip(), size, sent.get("n", 0), \
        peak["kib"] / 1024


def watch_peak(proc, peak):
    """Sample the child's high-water RSS (VmHWM) until it exits. (The rusage
    of a child also counts the memory of the process that forked it.)"""
    path = f"/proc/{proc.pid}/status"
    while proc.poll() is None:
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak["kib"] = max(peak["kib"], int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.05)


def main():
    bsonguard, bench, examples = sys.argv[1:4]
    gib = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    results = []
    with tempfile.TemporaryDirectory(prefix="bsonguard-rss.") as tmp:
        subprocess.run([bench, "--write", tmp], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        corpus = open(os.path.join(tmp, "conversation.bson"), "rb").read()
        docs_per_chunk = 0
        at = 0
        while at < len(corpus):
            at += int.from_bytes(corpus[at:at + 4], "little")
            docs_per_chunk += 1

        total = int(gib * 1024 * MIB)
        status, last, _, times, rss = run(
            [bsonguard, "check", "--schema", os.path.join(tmp, "conversation.bsg"),
             "--model", "Conversation", "-"], corpus, total)
        docs = times * docs_per_chunk
        want = f"checked {docs} documents in 1 source: {docs} valid, 0 invalid, 0 errors"
        results.append((f"{times * len(corpus) / MIB:.0f} MiB of BSON ({docs} documents)",
                        status == 0 and last == want, rss,
                        f"status {status}, last line {last!r}, wanted {want!r}"))

    jsonl = open(os.path.join(examples, "conversations.jsonl"), "rb").read()
    lines = jsonl.count(b"\n")
    status, last, out_bytes, times, rss = run(
        [bsonguard, "check", "--schema", os.path.join(examples, "conversation.bsg"),
         "--model", "Conversation", "--format", "json", "-"], jsonl * 64, 128 * MIB)
    docs = times * 64 * lines
    ok = status == 1 and out_bytes > 128 * MIB // 4
    results.append((f"{times * 64 * len(jsonl) / MIB:.0f} MiB of JSON lines ({docs} documents, "
                    f"{out_bytes / MIB:.0f} MiB of report)", ok, rss,
                    f"status {status}, {out_bytes} bytes of report"))

    for i, (what, ok, rss, why) in enumerate(results, 1):
        bounded = rss <= RSS_LIMIT_MIB
        print(f"{'ok' if ok and bounded else 'not ok'} {i} - {what}: peak RSS {rss:.1f} MiB "
              f"(bound {RSS_LIMIT_MIB} MiB)")
        if not ok:
            print(f"#   {why}")
    print(f"1..{len(results)}")
    return 0 if all(ok and rss <= RSS_LIMIT_MIB for _, ok, rss, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
