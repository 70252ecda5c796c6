#!/usr/bin/env python3
"""Flip-flops and RAM cells per RTL signal in a Yosys JSON netlist (scripts/synth.sh).

    synth_ffs.py NETLIST.json [ELABORATED.json]

For every flip-flop (FD*) of the flattened top, the RTL signal its Q output drives (the shortest
public net name on that bit, index stripped); RAM cells by their cell name. With ELABORATED.json
(the design after proc + flatten, before any optimisation) also the register bits and memory
bits the RTL declares under each name, so that what synthesis removed or moved into RAM shows.
"""
import json
import re
import sys
from collections import Counter


def top_module(path):
    with open(path) as f:
        modules = json.load(f)["modules"]
    for name, m in modules.items():
        if m.get("attributes", {}).get("top"):
            return m
    return modules["ufo_nic_top"]


def bit_names(m):
    """bit -> the shortest public net name holding it (without its [index])."""
    names = {}
    for name, net in m["netnames"].items():
        if net.get("hide_name"):
            continue
        base = re.sub(r"\[\d+\]$", "", name).lstrip("\\")
        for b in net["bits"]:
            if isinstance(b, int) and (b not in names or len(base) < len(names[b])):
                names[b] = base
    return names


def registers(m, ff_types):
    names = bit_names(m)
    count = Counter()
    for cell in m["cells"].values():
        if cell["type"] in ff_types:
            for b in cell["connections"]["Q"]:
                count[names.get(b, "(unnamed)") if isinstance(b, int) else "(constant)"] += 1
    return count


def tied_outputs(m):
    """Output port bits driven by a constant (through an output buffer, if any)."""
    drivers = {}
    for cell in m["cells"].values():
        for port, direction in cell.get("port_directions", {}).items():
            if direction == "output":
                for b in cell["connections"][port]:
                    drivers[b] = cell
    tied = set()
    for name, port in m["ports"].items():
        if port["direction"] != "output":
            continue
        for i, b in enumerate(port["bits"]):
            cell = drivers.get(b)
            if cell is not None and cell["type"] == "OBUF":
                b = cell["connections"]["I"][0]
            if isinstance(b, str):
                tied.add(f"{name}[{i}]")
    return tied


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    mapped = top_module(sys.argv[1])
    after = registers(mapped, {"FDRE", "FDSE", "FDCE", "FDPE"})
    rams = Counter(
        c["type"]
        for c in mapped["cells"].values()
        if re.match(r"RAMB|URAM|RAM\d|SRL", c["type"])
    )
    before = Counter()
    memories = {}
    if len(sys.argv) == 3:
        rtl = top_module(sys.argv[2])
        before = registers(rtl, {"$dff", "$adff", "$sdff", "$dffe", "$sdffe", "$adffe", "$sdffce", "$aldff"})
        for name, mem in rtl.get("memories", {}).items():
            memories[name.lstrip("\\")] = (int(mem["width"]), int(mem["size"]))
    keys = sorted(set(after) | set(before), key=lambda k: (-max(after[k], before[k]), k))
    print(f"{'RTL register':60} {'RTL bits':>9} {'FFs after synthesis':>20}")
    for k in keys:
        print(f"{k:60} {before[k] if before else '-':>9} {after[k]:>20}")
    print(f"{'total':60} {sum(before.values()) if before else '-':>9} {sum(after.values()):>20}")
    if memories:
        print("\nRTL memories (Yosys $mem: mapped to block RAM, LUT RAM or flip-flops by synthesis)")
        for name, (width, size) in sorted(memories.items()):
            print(f"  {name:58} {width} bits x {size} = {width * size} bits")
    if rams:
        print("\nRAM cells after synthesis: " + ", ".join(f"{t} {n}" for t, n in sorted(rams.items())))
    if len(sys.argv) == 3:
        tied = sorted(tied_outputs(mapped) - tied_outputs(rtl), key=lambda t: (t.split("[")[0], int(t.split("[")[1][:-1])))
        print(f"\nOutputs tied to a constant by synthesis, not by the RTL: {len(tied)}")
        print("  " + (" ".join(tied) if tied else "none"))


if __name__ == "__main__":
    main()
