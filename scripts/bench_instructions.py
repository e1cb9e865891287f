#!/usr/bin/env python3
"""Reads the callgrind dumps of `PairedRun --count` (scripts/bench-instructions.sh): instructions (Ir) per
operation for the C and the binding rounds, split by the shared object that ran them, as JSON and markdown.

  bench_instructions.py DUMP_DIR RUN_LOG OUT_JSON [key=value ...]   # key=value: machine facts for the JSON

With perf_map=FILE (the JVM's -XX:+DumpPerfMapAtExit), the binding's JIT share is also named by Java method. The
map is the code cache at exit: code compiled before a counted round and still alive then is named right.

The dumps must be written with --compress-strings=no (with compression, a name is spelled out only in the first
file that uses it, so one dump could not be read without the ones before it) and with --dump-instr=yes
--dump-line=no --compress-pos=no: each cost line then starts with its instruction's address. Callgrind's functions
do not do for JIT code: code entered by a jump (OSR, the interpreter's calls into compiled code) is counted to
the function that was called last, so code in no object is placed by address instead.
"""
import bisect
import json
import os
import re
import sys

# Groups of shared objects (by file name). "???" is code with no object: the JIT's (and the JVM's stubs).
GROUPS = [
    ("gio", r"lib(gio|gobject|glib|gmodule)-2\.0|libgiognutls|libffi|libpcre2"),
    ("tls", r"lib(gnutls|nettle|hogweed|gmp|p11-kit|tasn1|idn2|unistring|brotli|zstd|z)\."),
    ("libc", r"libc\.so|ld-linux|libpthread|libm\.so|libstdc\+\+|libgcc_s"),
    ("jvm", r"/usr/lib/jvm/|libjvm"),
    ("jit", r"^\?\?\?$"),
    ("jni", r"libjni[^/]*\.so"),
    ("glue", r"libgdtls-glue"),
    ("bench", r"libgdtls-bench|jffi"),
]
# With the perf map, code in no object splits further: compiled Java methods (and their JNI wrappers) stay "jit",
# the template interpreter is "interp", the JVM's other generated code (jni_fast_GetLongField, ...) is "stubs".
GROUP_NAMES = [g for g, _ in GROUPS] + ["interp", "stubs", "other"]
STACK = ("gio", "tls", "libc")  # what C and the binding share: the same GIO path


def group_of(obj):
    for name, pattern in GROUPS:
        if re.search(pattern, obj):
            return name
    return "other"


def read_dump(path):
    """(trigger, total Ir, {object: self Ir}, {address in no object: self Ir}) of one callgrind dump."""
    trigger, total, by_object, jit = None, None, {}, {}
    obj, skip_next = "???", False
    with open(path, errors="replace") as f:
        for line in f:
            if skip_next:  # the inclusive cost of a call: already counted as the callee's self cost
                skip_next = False
                continue
            c = line[:1]
            if c.isdigit() or c in "+-*":
                parts = line.split()
                if len(parts) >= 2:
                    by_object[obj] = by_object.get(obj, 0) + int(parts[-1])
                    if obj == "???":
                        address = int(parts[0], 16)
                        jit[address] = jit.get(address, 0) + int(parts[-1])
            elif line.startswith("ob="):
                obj = line[3:].strip() or "???"
            elif line.startswith("calls="):
                skip_next = True
            elif line.startswith("desc: Trigger:"):
                trigger = line.split("Client Request:", 1)[-1].strip()
            elif line.startswith("totals:"):
                total = int(line.split()[1])
    if total is not None and total != sum(by_object.values()):
        raise SystemExit(f"{path}: objects add up to {sum(by_object.values())}, totals say {total}")
    return trigger, total, by_object, jit


def read_perf_map(path):
    """Sorted (start, end, name) of the JVM's code blobs."""
    blobs = []
    with open(path, errors="replace") as f:
        for line in f:
            start, size, name = line.rstrip("\n").split(" ", 2)
            blobs.append((int(start, 16), int(start, 16) + int(size, 16), name))
    return sorted(blobs)


def java_method(blobs, address):
    """The name of the code blob holding `address`."""
    i = bisect.bisect_right(blobs, (address, float("inf"), "")) - 1
    return blobs[i][2] if i >= 0 and blobs[i][0] <= address < blobs[i][1] else "?"


def main():
    dump_dir, run_log, out = sys.argv[1:4]
    facts = dict(a.split("=", 1) for a in sys.argv[4:])
    perf_map = facts.pop("perf_map", None)
    blobs = read_perf_map(perf_map) if perf_map and os.path.exists(perf_map) else []
    ops = {}  # scenario id -> (operations per round, operation)
    with open(run_log) as f:
        for m in re.finditer(r"paired: counted (\S+) \((\d+) (.+?)s? per round\)", f.read()):
            ops[m.group(1)] = (int(m.group(2)), m.group(3))
    rounds = {}  # (scenario, side) -> [(total, {group: Ir})]
    names = [n for n in os.listdir(dump_dir) if n.startswith("callgrind.out.")]
    for name in sorted(names, key=lambda n: [int(x) for x in re.findall(r"\d+", n)]):
        trigger, total, by_object, jit = read_dump(os.path.join(dump_dir, name))
        m = re.fullmatch(r"(c|binding) (\S+) #(\d+)", trigger or "")
        if not m:
            continue  # "uncounted", program termination
        groups = dict.fromkeys(GROUP_NAMES, 0)
        for obj, ir in by_object.items():
            groups[group_of(obj)] += ir
        methods = {}
        for address, ir in jit.items():
            method = java_method(blobs, address)
            methods[method] = methods.get(method, 0) + ir
            if method == "Interpreter" or (method != "?" and "(" not in method):
                groups["jit"] -= ir
                groups["interp" if method == "Interpreter" else "stubs"] += ir
        rounds.setdefault((m.group(2), m.group(1)), []).append((total, groups, by_object, methods))

    scenarios = []
    for sid, (n, operation) in ops.items():
        entry = {"id": sid, "operation": operation, "operations_per_round": n}
        for side in ("c", "binding"):
            rs = rounds.get((sid, side), [])
            # The steady state is the round with the fewest instructions: a JIT compile or a GC only adds.
            best = [min(rs, key=lambda r: r[0])] if rs else []
            entry[side] = {
                "ir_per_op": [round(t / n, 1) for t, *_ in rs],
                "least_ir_per_op": round(best[0][0] / n, 1) if best else None,
                "groups_per_op": {g: round(sum(r[1][g] for r in best) / max(len(best), 1) / n, 1) for g in GROUP_NAMES},
                "top_objects_per_op": top(best, 2, n, os.path.basename),
                "top_jit_per_op": top(best, 3, n, lambda name: name),
            }
        c, b = entry["c"]["least_ir_per_op"], entry["binding"]["least_ir_per_op"]
        entry["difference_per_op"] = round(b - c, 1)
        entry["spread"] = {s: spread(entry[s]["ir_per_op"]) for s in ("c", "binding")}
        scenarios.append(entry)

    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"machine": facts, "groups": dict(GROUPS), "scenarios": scenarios}, f, indent=1)
        f.write("\n")
    print(markdown(scenarios))
    unstable = [f"{s['id']} {side}" for s in scenarios for side in ("c", "binding") if (s["spread"][side] or 0) > 2]
    if unstable:  # a JIT compile or GC in a counted round: the least one is still the steady state's
        print(f"\nbench-instructions: the counted rounds differ by more than 2 %: {', '.join(unstable)}")


def top(rs, field, n, key, k=10):
    """The k biggest entries of the rounds' dict `field`, per operation (mean of the rounds)."""
    summed = {}
    for r in rs:
        for name, ir in r[field].items():
            summed[key(name)] = summed.get(key(name), 0) + ir
    return {name: round(ir / len(rs) / n, 1) for name, ir in sorted(summed.items(), key=lambda kv: -kv[1])[:k]}


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def spread(xs):
    """The counted rounds' difference, most to least, relative to their mean (%)."""
    return round(100 * (max(xs) - min(xs)) / mean(xs), 2) if xs else None


def markdown(scenarios):
    out = ["Instructions per operation, the least of the counted rounds (their spread beside it):", "",
           "| scenario | per | C | binding | binding − C | rounds' spread C / binding |",
           "|---|---|--:|--:|--:|--:|"]
    for s in scenarios:
        c, b = s["c"]["least_ir_per_op"], s["binding"]["least_ir_per_op"]
        out.append(f"| {s['id']} | {s['operation']} | {c:,.0f} | {b:,.0f} | {b - c:,.0f} "
                   f"| {s['spread']['c']} % / {s['spread']['binding']} % |")
    out += ["", "Instructions per operation by object group (the least round); "
            "stack = " + " + ".join(STACK) + ":", "",
            "| scenario | side | stack | " + " | ".join(GROUP_NAMES) + " |",
            "|---|---|--:|" + "--:|" * len(GROUP_NAMES)]
    for s in scenarios:
        rows = [(side, s[side]["groups_per_op"]) for side in ("c", "binding")]
        rows.append(("binding − C", {g: rows[1][1][g] - rows[0][1][g] for g in GROUP_NAMES}))
        for side, g in rows:
            stack = sum(g[k] for k in STACK)
            out.append(f"| {s['id']} | {side} | {stack:,.0f} | " + " | ".join(f"{g[k]:,.0f}" for k in GROUP_NAMES)
                       + " |")
    out += ["", "The binding's code in no object (jit, interp, stubs) by code blob (the JVM's perf map;"
            " \"?\": not in it), per operation:", ""]
    for s in scenarios:
        jit = list(s["binding"]["top_jit_per_op"].items())[:6]
        out.append(f"- {s['id']}: " + "; ".join(f"{ir:,.0f} {name}" for name, ir in jit))
    return "\n".join(out)


if __name__ == "__main__":
    main()
