#!/usr/bin/env python3
"""Reads mwb-bench result lines (JSON, one per run) and prints what compare.sh shows.

  report.py --one LINE          one-line summary of a run (progress output)
  report.py --failed LINE       exit 0 when the run lost messages, failed or had p99 >= 50 ms
  report.py --lossy LINE        exit 0 when the run lost messages or failed
  report.py --table FILE        the markdown tables with ratios and the targets' verdicts
  report.py --plot-data FILE DIR  latency-vs-load data files for bench/plot.gp
"""
import json
import math
import sys

# Every peer compare.sh may run, in the order each load visits them.
PEERS = ["bridge-before", "bridge", "floor", "node-red", "mosquitto"]
# Peers with capacity sweeps (and plots).
SWEPT_PEERS = ["bridge", "node-red", "mosquitto"]
# The targets: CPU per delivery as a share of each peer's; a target below the floor
# (one write per delivery) means within FLOOR_MARGIN of the floor instead.
CPU_TARGETS = (("node-red", 0.5), ("mosquitto", 0.4))
FLOOR_MARGIN = 1.15
IDLE_KIB_TARGET = 4

# bridge ÷ each of these, at the target loads.
RATIO_PEERS = ["node-red", "mosquitto", "floor", "bridge-before"]
CAPACITY_P99_US = 50_000


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def lossy(r):
    return not r.get("ok") or r.get("lost", 1) > 0


def failed(r):
    return (not r.get("ok") or r.get("lost", 1) > 0 or
            (r.get("latency_p99_us") or math.inf) >= CAPACITY_P99_US)


def fmt(value, digits=1):
    if value is None:
        return "–"
    if isinstance(value, float) and not math.isfinite(value):
        return "–"
    if isinstance(value, (int,)) or (isinstance(value, float) and abs(value) >= 1000):
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def one(r):
    if "scenario" not in r:
        return f"  FAILED: {r.get('error')}"
    if r["scenario"] == "replay":
        line = (f"  {r.get('peer')} replay {r.get('retained_topics')} topics x {r['clients']} clients: "
                f"drained in {fmt(r.get('replay_drain_s'), 2)} s, "
                f"{fmt(r.get('replay_frames_per_s'))} frames/s, "
                f"live p99 {fmt(ms(r.get('live_latency_p99_us')), 2)} ms lost {fmt(r.get('live_lost'))}, "
                f"RSS {fmt(mib(r.get('bridge_rss_before_kib')))} -> peak "
                f"{fmt(mib(r.get('bridge_rss_peak_kib')))} MiB")
        return line if r.get("ok") else f"{line} FAILED: {r.get('error')}"
    if r["scenario"] == "recovery":
        line = (f"  {r.get('peer')} recovery {r['clients']} clients x {r.get('recovery_messages')} messages: "
                f"drained in {fmt(r.get('recovery_drain_s'), 2)} s, "
                f"recovered {fmt(r.get('recovered_true'))} / not {fmt(r.get('recovered_false'))}, "
                f"{fmt(r.get('recovery_frames_per_s'))} frames/s, "
                f"live p99 {fmt(ms(r.get('live_latency_p99_us')), 2)} ms lost {fmt(r.get('live_lost'))}, "
                f"{fmt(r.get('history_bytes_per_message'))} B/message kept (RSS), "
                f"RSS {fmt(mib(r.get('bridge_rss_before_kib')))} -> peak "
                f"{fmt(mib(r.get('bridge_rss_peak_kib')))} MiB")
        return line if r.get("ok") else f"{line} FAILED: {r.get('error')}"
    if r["scenario"] == "idle":
        return (f"  {r.get('peer')} idle {r['clients_connected']} conns: "
                f"{fmt(r.get('bridge_rss_per_conn_bytes'))} B/conn, {fmt(r['connects_per_s'])} conn/s")
    return (f"  {r.get('peer')} {r['scenario']} {r['clients']}x{fmt(r['offered_rate'])}/s: "
            f"{fmt(r['deliveries_per_s'])} deliveries/s lost {r['lost']} "
            f"p50 {fmt(r['latency_p50_us'] / 1000, 2)} ms p99 {fmt(r['latency_p99_us'] / 1000, 2)} ms "
            f"cpu {fmt(r['bridge_cpu_us_per_delivery'], 2)} us/delivery "
            f"(generator {fmt(r['generator_cpu_us_per_msg'], 2)} us/msg, load {fmt(r.get('loadavg_1m'), 1)})")


def ms(us):
    return None if us is None else us / 1000


def mib(kib):
    return None if kib is None else kib / 1024


def find(results, peer, label, clients=None, rate=None, scenario=None):
    for r in results:
        if (r.get("peer") == peer and r.get("label") == label and
                (clients is None or r.get("clients") == clients) and
                (rate is None or r.get("offered_rate") == rate) and
                (scenario is None or r.get("scenario") == scenario)):
            return r
    return None


# What a target row shows, each the median over the rounds (compare.sh --rounds).
ROUND_MEDIANS = ("deliveries_per_s", "latency_p50_us", "latency_p99_us", "latency_p999_us",
                 "bridge_cpu_us_per_delivery", "bridge_rss_kib", "generator_cpu_us_per_msg")


def median(values):
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def target(results, peer, clients, rate):
    """The peer's target-load row: one run as it is; several rounds as the median of each
    measure (each on its own), the most messages any round lost, and the CPU's range."""
    runs = [r for r in results if r.get("peer") == peer and r.get("label") == "target" and
            r.get("clients") == clients and r.get("offered_rate") == rate and
            "deliveries_per_s" in r]
    if len(runs) <= 1:
        return runs[0] if runs else None
    row = dict(runs[0])
    for key in ROUND_MEDIANS:
        row[key] = median(r[key] for r in runs)
    row["lost"] = max(r["lost"] for r in runs)
    row["ok"] = all(r.get("ok") for r in runs)
    row["rounds"] = len(runs)
    row["cpu_min"] = min(r["bridge_cpu_us_per_delivery"] for r in runs)
    row["cpu_max"] = max(r["bridge_cpu_us_per_delivery"] for r in runs)
    return row


def cpu_cell(r):
    cell = fmt(r["bridge_cpu_us_per_delivery"], 2)
    if r.get("rounds"):
        cell += f" ({fmt(r['cpu_min'], 2)}–{fmt(r['cpu_max'], 2)})"
    return cell


def ratio(a, b):
    if a is None or b is None or not b:
        return None
    return a / b


def times(value):
    return "–" if value is None else f"{value:.2f}×"


def capacity(results, peer, clients, refuse=failed):
    best = None
    for r in results:
        if (r.get("peer") == peer and r.get("clients") == clients and
                r.get("scenario") == "fanout" and r.get("label") in ("target", "sweep") and
                not refuse(r)):
            if best is None or r["deliveries_per_s"] > best["deliveries_per_s"]:
                best = r
    return best


def reconnect_table(out, title, columns, runs, size, measured_key, cells_of):
    """A table of reconnecting clients (replay, recovery), when there are runs: smallest run
    first, then by peer; a failed run says why in its first measured cell. `cells_of` gives
    every cell after run and peer."""
    if not runs:
        return
    out.append(f"\n### {title}\n")
    out.append("| " + " | ".join(["run", "peer"] + columns) + " |")
    out.append("|" + "---|" * (len(columns) + 2))
    for r in sorted(runs, key=lambda r: (size(r), PEERS.index(r["peer"]) if r.get("peer") in PEERS else 99)):
        cells = [r.get("label", "–"), r.get("peer", "–")] + cells_of(r)[:1]
        cells += cells_of(r)[1:] if measured_key in r else ["–"] * (len(columns) - 1)
        if not r.get("ok"):
            cells[3] += f" (failed: {r.get('error')})"
        out.append("| " + " | ".join(cells) + " |")


def replay_cells(r):
    return [f"{fmt(r.get('retained_topics'))} × {fmt(r.get('clients'))}",
            fmt(r.get("replay_drain_s"), 2),
            f"{fmt(r.get('replay_client_done_p50_s'), 2)} / {fmt(r.get('replay_client_done_p99_s'), 2)}",
            fmt(r.get("replay_frames_per_s")),
            f"{r.get('replay_clients_done')} / {r['clients']}",
            " / ".join(fmt(ms(r.get(k)), 2) for k in
                       ("live_latency_p50_us", "live_latency_p99_us", "live_latency_p999_us")),
            fmt(r.get("live_lost")),
            fmt(r.get("bridge_cpu_s"), 2),
            fmt(r.get("bridge_cpu_us_per_frame"), 2),
            f"{fmt(mib(r.get('bridge_rss_before_kib')))} → {fmt(mib(r.get('bridge_rss_peak_kib')))}",
            fmt(r.get("generator_cpu_s"), 2)]


def recovery_cells(r):
    return [f"{fmt(r.get('clients'))} × {fmt(r.get('recovery_messages'))}",
            fmt(r.get("recovery_drain_s"), 2),
            f"{fmt(r.get('recovery_client_done_p50_s'), 2)} / {fmt(r.get('recovery_client_done_p99_s'), 2)}",
            f"{fmt(r.get('recovered_true'))} / {fmt(r.get('recovered_false'))}",
            fmt(r.get("recovery_frames_per_s")),
            fmt(ms(r.get("live_latency_p99_us")), 2),
            fmt(r.get("live_lost")),
            f"{fmt(mib(r.get('bridge_rss_before_kib')))} → {fmt(mib(r.get('bridge_rss_peak_kib')))}",
            f"{fmt(r.get('history_bytes_per_message'), 0)} / "
            f"{fmt(r.get('history_accounted_bytes_per_message'), 0)}"]


def table(results):
    out = []
    verdicts = []
    rounds = max([r.get("round", 1) for r in results if r.get("label") == "target"], default=1)
    out.append("### CPU and latency at the target loads (100-byte payloads)\n")
    if rounds > 1:
        out.append(f"Each peer ran each load in {rounds} rounds, the peers taking turns within a "
                   "round; every measure is its median over the rounds (the most lost in any "
                   "round), and the CPU's range follows in brackets.\n")
    out.append("| load | peer | deliveries/s | lost | p50 ms | p99 ms | p99.9 ms | CPU µs/delivery | "
               "peer RSS MiB | generator µs/msg |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    ratio_rows = []
    for clients, rate in ((1000, 50.0), (100, 500.0)):
        rows = {p: target(results, p, clients, rate) for p in PEERS}
        for peer, r in rows.items():
            if r is None or "deliveries_per_s" not in r:
                continue
            out.append(f"| {clients} × {fmt(rate)}/s | {peer} | {fmt(r['deliveries_per_s'])} | {r['lost']} | "
                       f"{fmt(r['latency_p50_us'] / 1000, 2)} | {fmt(r['latency_p99_us'] / 1000, 2)} | "
                       f"{fmt(r['latency_p999_us'] / 1000, 2)} | {cpu_cell(r)} | "
                       f"{fmt(r['bridge_rss_kib'] / 1024, 1)} | {fmt(r['generator_cpu_us_per_msg'], 2)} |")
        bridge = rows.get("bridge")
        if bridge and "bridge_cpu_us_per_delivery" in bridge:
            for peer in RATIO_PEERS:
                other = rows.get(peer)
                if other and "bridge_cpu_us_per_delivery" in other:
                    ratio_rows.append(
                        f"| {clients} × {fmt(rate)}/s | bridge ÷ {peer} | "
                        f"{times(ratio(bridge['bridge_cpu_us_per_delivery'], other['bridge_cpu_us_per_delivery']))} | "
                        f"{times(ratio(bridge['latency_p99_us'], other['latency_p99_us']))} |")
            cpu = bridge["bridge_cpu_us_per_delivery"]
            floor = rows.get("floor") or {}
            floor_cpu = floor.get("bridge_cpu_us_per_delivery")
            for peer, limit in CPU_TARGETS:
                other = rows.get(peer)
                if other and other.get("bridge_cpu_us_per_delivery"):
                    share = cpu / other["bridge_cpu_us_per_delivery"]
                    verdict = 'met' if share <= limit else f'missed by {share / limit:.2f}×'
                    # A target below one write per delivery cannot be met by anyone: then
                    # it means "within FLOOR_MARGIN of the floor".
                    if floor_cpu and limit * other["bridge_cpu_us_per_delivery"] < floor_cpu:
                        to_floor = cpu / floor_cpu
                        verdict = (f"below the floor ({floor_cpu:.2f} µs), so within {FLOOR_MARGIN}× "
                                   f"of it: {to_floor:.2f}×, "
                                   + ('met' if to_floor <= FLOOR_MARGIN else
                                      f'missed by {to_floor / FLOOR_MARGIN:.2f}×'))
                    verdicts.append(
                        f"CPU per delivery at {clients} × {fmt(rate)}/s vs {peer}: {share:.2f}× "
                        f"(target ≤ {limit}×): {verdict}")
            p99 = bridge["latency_p99_us"] / 1000
            floor_p99 = floor.get("latency_p99_us", 0) / 1000
            verdicts.append(f"p99 at {clients} × {fmt(rate)}/s: {p99:.2f} ms (target ≤ 5 ms): "
                            f"{'met' if p99 <= 5 else f'missed by {p99 / 5:.2f}×'}"
                            + (f" (the floor itself: {floor_p99:.2f} ms, bridge ÷ floor "
                               f"{p99 / floor_p99:.2f}×)" if floor_p99 > 5 else ""))
    if ratio_rows:
        out.append("\n### Ratios at the target loads (below 1: the bridge costs less, or waits less)\n")
        out.append("| load | ratio | CPU µs/delivery | p99 |")
        out.append("|---|---|---|---|")
        out.extend(ratio_rows)

    out.append("\n### Capacity: highest fan-out load of the sweep with zero loss and p99 < 50 ms "
               "(and with zero loss alone)\n")
    out.append("| clients | peer | deliveries/s (p99 < 50 ms) | p99 ms | deliveries/s (zero loss) | p99 ms | "
               "CPU µs/delivery there |")
    out.append("|---|---|---|---|---|---|---|")
    for clients in (100, 1000):
        caps = {}
        caps_loss_free = {}
        for peer in SWEPT_PEERS:
            best = capacity(results, peer, clients)
            loss_free = capacity(results, peer, clients, lossy)
            caps[peer] = best
            caps_loss_free[peer] = loss_free
            if best or loss_free:
                cells = []
                for r in (best, loss_free):
                    cells += ([fmt(r["deliveries_per_s"]), fmt(r["latency_p99_us"] / 1000, 2)]
                              if r else ["none", "–"])
                cpu = (loss_free or best)["bridge_cpu_us_per_delivery"]
                out.append(f"| {clients} | {peer} | " + " | ".join(cells) + f" | {fmt(cpu, 2)} |")
        criterion = "zero loss, p99 < 50 ms"
        if not (caps.get("bridge") and caps.get("node-red")):
            caps, criterion = caps_loss_free, "zero loss only: p99 < 50 ms not reached by both"
        if caps.get("bridge") and caps.get("node-red"):
            share = caps["bridge"]["deliveries_per_s"] / caps["node-red"]["deliveries_per_s"]
            ceiling = not any(lossy(r) for r in results if r.get("peer") == "bridge" and
                              r.get("clients") == clients and r.get("label") == "sweep")
            verdicts.append(f"capacity at {clients} clients vs Node-RED ({criterion}): {share:.1f}× "
                            f"(target ≥ 4×): {'met' if share >= 4 else f'missed by {4 / share:.1f}×'}"
                            + (" — the bridge passed every sweep step, so this is a lower bound"
                               if ceiling else ""))
        elif caps.get("bridge") and any(r.get("peer") == "node-red" for r in results):
            verdicts.append(f"capacity at {clients} clients: Node-RED passed no step "
                            f"(bridge: {fmt(caps['bridge']['deliveries_per_s'])} deliveries/s)")

    out.append("\n### Idle connections\n")
    out.append("| peer | connections held | RSS per connection (bytes) | connects/s |")
    out.append("|---|---|---|---|")
    idle = {}
    for peer in PEERS:
        r = find(results, peer, "idle", scenario="idle")
        if r and "clients_held" in r:
            idle[peer] = r
            out.append(f"| {peer} | {r['clients_held']} | {fmt(r['bridge_rss_per_conn_bytes'])} | "
                       f"{fmt(r['connects_per_s'])} |")
            if peer == "bridge":
                kib = r["bridge_rss_per_conn_bytes"] / 1024
                verdicts.append(f"RSS per idle connection at {r['clients_held']}: {kib:.1f} KiB "
                                f"(target ≤ {IDLE_KIB_TARGET} KiB): "
                                f"{'met' if kib <= IDLE_KIB_TARGET else f'missed by {kib / IDLE_KIB_TARGET:.2f}×'}")
    if "bridge" in idle:
        shares = [f"÷ {peer} {times(ratio(idle['bridge']['bridge_rss_per_conn_bytes'], idle[peer]['bridge_rss_per_conn_bytes']))}"
                  for peer in RATIO_PEERS if peer in idle]
        if shares:
            out.append("\nRSS per idle connection, bridge " + ", ".join(shares) + ".")

    reconnect_table(
        out, "Retained replay (N clients reconnect at once; live clients meanwhile)",
        ["topics × clients", "drained s", "client done p50 / p99 s", "frames/s", "clients done",
         "live p50 / p99 / p99.9 ms", "live lost", "CPU s", "CPU µs/frame", "RSS before → peak MiB",
         "generator CPU s"],
        [r for r in results if r.get("scenario") == "replay"],
        lambda r: r.get("retained_topics", 0) * r.get("clients", 0), "replay_frames", replay_cells)
    reconnect_table(
        out, "Recovery (N clients reconnect at once with their positions)",
        ["clients × messages each", "drained s", "client done p50 / p99 s", "recovered true / false",
         "frames/s", "live p99 ms", "live lost", "RSS before → peak MiB",
         "bytes per kept message (RSS / accounted)"],
        [r for r in results if r.get("scenario") == "recovery"],
        lambda r: r.get("clients", 0) * r.get("recovery_messages", 0), "recovery_frames", recovery_cells)

    out.append("\n### Other scenarios (mqtt-ws-bridge)\n")
    out.append("| run | clients | msg/s | deliveries/s | lost | p50 ms | p99 ms | CPU µs/delivery |")
    out.append("|---|---|---|---|---|---|---|---|")
    for label in ("selective", "selective-base", "targeted", "roundtrip"):
        r = find(results, "bridge", label)
        if r and "deliveries_per_s" in r:
            out.append(f"| {label} ({r['scenario']}) | {r['clients']} | {fmt(r['offered_rate'])} | "
                       f"{fmt(r['deliveries_per_s'])} | {r['lost']} | {fmt(r['latency_p50_us'] / 1000, 2)} | "
                       f"{fmt(r['latency_p99_us'] / 1000, 2)} | {fmt(r['bridge_cpu_us_per_delivery'], 2)} |")
    sel, base = find(results, "bridge", "selective"), find(results, "bridge", "selective-base")
    if sel and base and sel.get("bridge_cpu_us_per_delivery") and base.get("bridge_cpu_us_per_delivery"):
        share = sel["bridge_cpu_us_per_delivery"] / base["bridge_cpu_us_per_delivery"]
        verdicts.append(f"selectivity (10k distinct topics vs 100 clients, same deliveries/s): {share:.2f}× "
                        f"(target ≤ 1.5×): {'met' if share <= 1.5 else f'missed by {share / 1.5:.1f}×'}")
    gen = [r["generator_cpu_us_per_msg"] for r in results
           if r.get("generator_cpu_us_per_msg") and r.get("label") in ("target", "sweep")]
    if gen:
        verdicts.append(f"generator CPU per received message: {min(gen):.2f}–{max(gen):.2f} µs "
                        f"(target ≤ 3 µs): {'met' if max(gen) <= 3 else 'missed at some loads'}")

    out.append("\n### Targets\n")
    out.extend(f"- {v}" for v in verdicts)
    return "\n".join(out)


def plot_data(results, directory):
    for peer in SWEPT_PEERS:
        for clients in (100, 1000):
            rows = [r for r in results if r.get("peer") == peer and r.get("clients") == clients
                    and r.get("scenario") == "fanout" and r.get("label") == "sweep"
                    and r.get("deliveries_per_s")]
            # The target load once, as its rounds' medians.
            rows += [t for t in (target(results, peer, clients, rate) for rate in
                                 sorted({r["offered_rate"] for r in results if r.get("peer") == peer
                                         and r.get("clients") == clients and r.get("label") == "target"}))
                     if t and t.get("deliveries_per_s")]
            rows.sort(key=lambda r: r["offered_rate"])
            with open(f"{directory}/{peer}-{clients}.dat", "w") as f:
                f.write("# offered_deliveries_per_s p50_ms p99_ms cpu_us_per_delivery lost delivered_per_s\n")
                for r in rows:
                    f.write(f"{r['offered_rate'] * clients:.0f} {r['latency_p50_us'] / 1000:.3f} "
                            f"{r['latency_p99_us'] / 1000:.3f} {r['bridge_cpu_us_per_delivery']} {r['lost']} "
                            f"{r['deliveries_per_s']:.0f}\n")


def main(argv):
    if len(argv) >= 3 and argv[1] == "--one":
        print(one(json.loads(argv[2])))
    elif len(argv) >= 3 and argv[1] == "--failed":
        sys.exit(0 if failed(json.loads(argv[2])) else 1)
    elif len(argv) >= 3 and argv[1] == "--lossy":
        sys.exit(0 if lossy(json.loads(argv[2])) else 1)
    elif len(argv) >= 3 and argv[1] == "--table":
        print(table(load(argv[2])))
    elif len(argv) >= 4 and argv[1] == "--plot-data":
        plot_data(load(argv[2]), argv[3])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
