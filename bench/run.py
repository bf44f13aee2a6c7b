#!/usr/bin/env python3
"""Benchmark briefing: where time and memory go, side by side with the naive pipeline.

    .venv/bin/python bench/run.py            # 5, 20 and 60 items
    .venv/bin/python bench/run.py --quick    # 3, 6 and 12 shorter items (under 10 minutes)

Articles are generated from the project's own samples (sentences of data/ recombined).
Every build runs in its own process so that its peak RSS is its own. In the same
invocation, on the same items, a naive reference pipeline runs: synthesis one item after
another, pydub `a + b` concatenation in a loop, one export. The online voice is a local
fake edge-tts service that answers each request after --delay seconds.

    .venv/bin/python bench/run.py --cluster      # only the cluster row: 20 items, local vs 2 Dask workers
    .venv/bin/python bench/run.py --offline 5    # only the offline voice: project vs naive, 5 items

The last line is: bench: warm_speedup=X concurrency_speedup=Y overhead_pct=Z rss_growth_ratio=W
  warm_speedup        cold build time / rebuild time with unchanged input (middle size)
  concurrency_speedup naive sequential / project time, both with the fake online voice (middle size;
                      the fastest of --repeat runs of each)
  overhead_pct        time of all non-synthesis stages, % of the audio duration (largest size)
  rss_growth_ratio    peak RSS of the largest build / peak RSS of the middle build
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

SYNTHESIS_STAGES = ("speak",)


# --------------------------------------------------------------------------- articles

def make_articles(count: int, sentences_per_article: int, seed: int = 7) -> list[dict]:
    """Articles made of sentences recombined from the sample page (deterministic)."""
    from briefing.read import read_document
    from briefing.text.sentences import split_sentences

    pool = [s for article in read_document(str(ROOT / "data" / "xinhua-2025-02-15.txt"))
            for paragraph in article.paragraphs for s in split_sentences(paragraph, "zh")
            if 12 <= len(s) <= 90]
    rng = random.Random(seed)
    articles = []
    for number in range(count):
        body = rng.sample(pool, sentences_per_article)
        title = body[0].split("，")[0].split(",")[0][:18].rstrip("。！？")
        articles.append({"id": f"bench-{number:03d}", "title": f"{title}（{number + 1}）", "body": "".join(body)})
    return articles


# --------------------------------------------------------------------------- workers

def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_build(args) -> dict:
    """One project build (cold or warm, depending on the cache folder's state)."""
    from briefing import Context, Settings
    from briefing.pipeline import build

    if args.edge_url:
        os.environ["BRIEFING_EDGE_WSS_URL"] = args.edge_url
    settings = Settings().with_overrides(out_dir=Path(args.out), cache_dir=Path(args.cache), engine=args.engine,
                                         offline_engine=_offline(args.engine), item_seconds=args.item_seconds,
                                         concurrency=args.concurrency)
    started, cpu = time.perf_counter(), time.process_time()
    result = build([args.news], Context(settings))
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"total": total, "timings": result.timings, "cpu": result.cpu_seconds, "cpu_total": cpu,
            "audio": result.episode.duration,
            "items": result.items, "synthesized": result.synthesized, "rss_mb": peak_rss_mb()}


def worker_cluster_build(args) -> dict:
    """One project build whose stories are synthesized by the Dask workers at --address (cold cache)."""
    from distributed import get_task_stream

    from briefing import Context, Settings
    from briefing.pipeline import build
    from briefing.speak.cluster import Cluster

    settings = Settings().with_overrides(out_dir=Path(args.out), cache_dir=Path(args.cache), engine=args.engine,
                                         offline_engine=_offline(args.engine), item_seconds=args.item_seconds)
    ctx = Context(settings)
    ctx.cluster = Cluster.connect(args.address, 30)
    started, cpu = time.perf_counter(), time.process_time()
    with get_task_stream(ctx.cluster.client) as stream:
        result = build([args.news], ctx)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    ctx.cluster.close()
    computes = {}  # worker -> [(start, stop)] of its computations
    for task in stream.data:
        for span in task["startstops"]:
            if span["action"] == "compute":
                computes.setdefault(task["worker"], []).append((span["start"], span["stop"]))
    gaps = [b[0] - a[1] for spans in computes.values() for a, b in zip(sorted(spans), sorted(spans)[1:])]
    compute = sum(stop - start for spans in computes.values() for start, stop in spans)
    trips = list(ctx.cluster.round_trips.values())
    return {"total": total, "timings": result.timings, "cpu": result.cpu_seconds, "cpu_total": cpu,
            "audio": result.episode.duration, "items": result.items, "synthesized": result.synthesized,
            "rss_mb": peak_rss_mb(), "tasks": len(trips), "compute": compute, "workers": len(computes),
            "gap_per_task": sum(gaps) / len(gaps) if gaps else 0.0}


def _offline(engine: str) -> str:
    return "standin" if engine == "standin" else "kokoro"


def worker_naive(args) -> dict:
    """What a user would write: speak each item in turn, `bulletin = bulletin + clip`, export once."""
    import io
    import warnings

    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pydub import AudioSegment
    import imageio_ffmpeg

    from briefing import Context, Settings
    from briefing.leads import write_leads
    from briefing.read import read_articles

    AudioSegment.converter = imageio_ffmpeg.get_ffmpeg_exe()
    settings = Settings().with_overrides(item_seconds=args.item_seconds)
    started, cpu = time.perf_counter(), time.process_time()
    ctx = Context(settings)
    items = write_leads(read_articles([args.news], ctx), ctx)
    bulletin = AudioSegment.silent(duration=500, frame_rate=24000)
    if args.engine == "edge":
        import asyncio

        import edge_tts
        import edge_tts.communicate

        edge_tts.communicate.WSS_URL = args.edge_url
        for item in items:
            async def speak(text: str) -> bytes:
                audio = bytearray()
                async for chunk in edge_tts.Communicate(text, "zh-CN-YunyangNeural").stream():
                    if chunk["type"] == "audio":
                        audio.extend(chunk["data"])
                return bytes(audio)

            mp3 = asyncio.run(speak(f"{item.title}。{item.lead}"))
            bulletin = bulletin + AudioSegment.from_file(io.BytesIO(mp3), format="mp3", codec="mp3")
            bulletin = bulletin + AudioSegment.silent(duration=700, frame_rate=24000)
    else:
        from briefing.speak.kokoro import KokoroEngine

        engine = KokoroEngine()
        for item in items:
            clip = engine.synthesize([f"{item.title}。{item.lead}"], "zm_yunxi", "zh", "+0%")
            pcm = (np.clip(np.concatenate(clip.sentences), -1, 1) * 32767).astype("<i2")
            bulletin = bulletin + AudioSegment(pcm.tobytes(), sample_width=2, frame_rate=clip.rate, channels=1)
            bulletin = bulletin + AudioSegment.silent(duration=700, frame_rate=clip.rate)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    bulletin.export(str(out / "naive.mp3"), format="mp3", bitrate="96k", parameters=["-ar", "44100"])
    return {"total": time.perf_counter() - started, "cpu_total": time.process_time() - cpu,
            "audio": len(bulletin) / 1000, "items": len(items), "rss_mb": peak_rss_mb()}


def run_worker(kind: str, **options) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind]
    for key, value in options.items():
        if value is not None:
            command += [f"--{key.replace('_', '-')}", str(value)]
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if proc.returncode != 0:
        sys.exit(f"bench worker {kind} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- cluster

def start_dask(folder: Path, workers: int = 2) -> tuple[str, list[subprocess.Popen]]:
    """`dask scheduler` and `workers` `dask worker --nthreads 1` processes on 127.0.0.1."""
    import socket

    from distributed import Client

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = []
    for name, args in [("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", str(port)]),
                       *[(f"worker{n}", ["worker", address, "--nthreads", "1", "--host", "127.0.0.1"])
                         for n in range(workers)]]:
        with (folder / f"{name}.log").open("w") as log:
            procs.append(subprocess.Popen([sys.executable, "-m", "dask", *args, "--no-dashboard"],
                                          stdout=log, stderr=log, env=env))
    with Client(address, timeout=60) as client:
        client.wait_for_workers(workers, timeout=120)
    return address, procs


def cluster_row(work: Path, news: str, count: int, engine: str, item_seconds: float) -> tuple[list, str]:
    """The same bulletin built with the local path and through 2 workers; the overhead per story."""
    local = run_worker("build", news=news, out=work / "cluster-local", cache=work / "cluster-local-cache",
                       engine=engine, item_seconds=item_seconds)
    address, procs = start_dask(work)
    try:
        remote = run_worker("cluster-build", news=news, out=work / "cluster-remote", cache=work / "cluster-cache",
                            engine=engine, item_seconds=item_seconds, address=address)
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
    tasks = remote["tasks"]
    speak_local, speak_remote = local["timings"]["speak"], remote["timings"]["speak"]
    idle = (speak_remote * remote["workers"] - remote["compute"]) / tasks
    report = (f"cluster ({engine}, {count} items, {tasks} tasks on {remote['workers']} workers x 1 thread): "
              f"speak {speak_local:.2f} s local, {speak_remote:.2f} s on the cluster "
              f"(+{(speak_remote - speak_local) / tasks:.3f} s per story); worker compute {remote['compute']:.2f} s; "
              f"scheduling and transfer between a worker's stories {remote['gap_per_task'] * 1000:.1f} ms; "
              f"worker time not computing {idle:.3f} s per story; "
              f"build CPU here {local['cpu_total']:.2f} s local, {remote['cpu_total']:.2f} s with the cluster")
    return [(f"project {engine} {count} local", local), (f"project {engine} {count} cluster", remote)], report


def offline_ratio(build_run: dict, naive_run: dict) -> str:
    """Seconds of machine time per second of audio, the project's offline build beside the naive one."""
    wall = (build_run["total"] / build_run["audio"], naive_run["total"] / naive_run["audio"])
    cpu = (build_run["cpu_total"] / build_run["audio"], naive_run["cpu_total"] / naive_run["audio"])
    return (f"offline voice per second of audio: project {wall[0]:.3f} s wall / {cpu[0]:.3f} s CPU, "
            f"naive {wall[1]:.3f} s wall / {cpu[1]:.3f} s CPU; ratio {wall[0] / wall[1]:.2f} wall, "
            f"{cpu[0] / cpu[1]:.2f} CPU (goal <= 1.0)")


# --------------------------------------------------------------------------- orchestration

def stage_table(runs: list[tuple[str, dict]]) -> str:
    stages = ["read", "leads", "script", "speak", "assemble", "mastering", "encoding", "publish"]
    header = f"{'run':<26}{'items':>6}{'audio s':>9}" + "".join(f"{s:>10}" for s in stages) + f"{'total':>9}{'RSS MB':>8}"
    lines = [header, "-" * len(header)]
    for name, r in runs:
        timings = r.get("timings", {})
        cells = "".join(f"{timings[s]:>10.2f}" if s in timings else f"{'-':>10}" for s in stages)
        lines.append(f"{name:<26}{r['items']:>6}{r['audio']:>9.1f}{cells}{r['total']:>9.2f}{r['rss_mb']:>8.0f}")
    return "\n".join(lines)


def non_synthesis_seconds(run: dict) -> float:
    return sum(v for k, v in run["timings"].items() if k in ("read", "leads", "script", "assemble", "publish"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, under 10 minutes on 2 cores")
    parser.add_argument("--delay", type=float, default=1.0, help="seconds the fake online voice waits per request")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each side of the online comparison (the fastest of each counts)")
    parser.add_argument("--cluster", action="store_true",
                        help="only the cluster row: 20 items locally and through a scheduler and 2 workers")
    parser.add_argument("--cluster-engine", default="standin",
                        help="voice of the cluster row (default standin: the overhead, not the synthesis)")
    parser.add_argument("--offline", type=int, metavar="N",
                        help="only the offline voice: project and naive builds of N items, per second of audio")
    parser.add_argument("--worker", choices=["build", "naive", "cluster-build"], help=argparse.SUPPRESS)
    for option in ("--news", "--out", "--cache", "--engine", "--edge-url", "--address"):
        parser.add_argument(option, help=argparse.SUPPRESS)
    parser.add_argument("--item-seconds", type=float, default=30.0, help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, help=argparse.SUPPRESS)  # default: the product's
    args = parser.parse_args()
    if args.worker:
        workers = {"build": worker_build, "naive": worker_naive, "cluster-build": worker_cluster_build}
        print(json.dumps(workers[args.worker](args)))
        return

    from fake_edge import FakeEdge, FakeEdgeServer

    small, middle, large = (3, 6, 12) if args.quick else (5, 20, 60)
    sentences, item_seconds = (3, 12.0) if args.quick else (6, 30.0)
    work = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    print(f"bench: sizes {small}/{middle}/{large} items, work folder {work}", flush=True)
    runs: list[tuple[str, dict]] = []
    results: dict[str, dict] = {}

    def news(count: int) -> str:
        path = work / f"news-{count}.json"
        path.write_text(json.dumps(make_articles(count, sentences), ensure_ascii=False), encoding="utf-8")
        return str(path)

    if args.cluster or args.offline:
        if args.cluster:
            rows, report = cluster_row(work, news(middle), middle, args.cluster_engine, item_seconds)
            runs += rows
        if args.offline:
            project = run_worker("build", news=news(args.offline), out=work / "offline", cache=work / "offline-cache",
                                 engine="kokoro", item_seconds=item_seconds)
            naive = run_worker("naive", news=news(args.offline), out=work / "offline-naive", engine="kokoro",
                               item_seconds=item_seconds)
            runs += [(f"project kokoro {args.offline} cold", project), (f"naive kokoro {args.offline}", naive)]
        print(stage_table(runs))
        if args.cluster:
            print(report)
        if args.offline:
            print(offline_ratio(project, naive))
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}")
        return

    for count in (small, middle, large):
        name = f"project kokoro {count} cold"
        results[name] = run_worker("build", news=news(count), out=work / f"out-{count}", cache=work / f"cache-{count}",
                                   engine="kokoro", item_seconds=item_seconds)
        runs.append((name, results[name]))
        print(stage_table(runs[-1:]).splitlines()[-1], flush=True)
    name = f"project kokoro {middle} warm"
    results[name] = run_worker("build", news=news(middle), out=work / f"out-{middle}", cache=work / f"cache-{middle}",
                               engine="kokoro", item_seconds=item_seconds)
    runs.append((name, results[name]))
    for count in (small, middle):
        name = f"naive kokoro {count}"
        results[name] = run_worker("naive", news=news(count), out=work / f"naive-{count}", engine="kokoro",
                                   item_seconds=item_seconds)
        runs.append((name, results[name]))
    online_totals: dict[str, list[float]] = {}
    with FakeEdgeServer(FakeEdge(delay=args.delay)) as fake:
        for kind in ("build", "naive"):  # each side's fastest of --repeat runs: the VM's steal time varies
            name = f"{'project' if kind == 'build' else 'naive'} edge {middle}"
            attempts = [run_worker(kind, news=news(middle), out=work / f"{kind}-edge-{n}", edge_url=fake.url,
                                   cache=work / f"edge-cache-{n}" if kind == "build" else None,  # cold every time
                                   engine="edge", item_seconds=item_seconds)
                        for n in range(args.repeat)]
            results[name] = min(attempts, key=lambda r: r["total"])
            online_totals[name] = [r["total"] for r in attempts]
            runs.append((name, results[name]))

    cluster_runs, cluster_report = cluster_row(work, news(middle), middle, args.cluster_engine, item_seconds)
    runs += cluster_runs

    print()
    print(stage_table(runs))
    cold, warm = results[f"project kokoro {middle} cold"], results[f"project kokoro {middle} warm"]
    biggest = results[f"project kokoro {large} cold"]
    speak = biggest["timings"]["speak"]
    cores = biggest["cpu"]["speak"] / speak if speak else 0
    warm_speedup = cold["total"] / warm["total"]
    concurrency_speedup = results[f"naive edge {middle}"]["total"] / results[f"project edge {middle}"]["total"]
    overhead_pct = 100 * non_synthesis_seconds(biggest) / biggest["audio"]
    rss_growth = biggest["rss_mb"] / cold["rss_mb"]
    print()
    print(f"offline synthesis: {speak:.1f} s for {biggest['audio']:.0f} s of audio "
          f"(real-time factor {speak / biggest['audio']:.2f}), {cores:.2f} cores busy on average")
    print("online voice, " + ", ".join(f"{name}: {' / '.join(f'{t:.2f}' for t in totals)} s"
                                       for name, totals in online_totals.items()) + " (the fastest of each counts)")
    print(cluster_report)
    print(offline_ratio(results[f"project kokoro {small} cold"], results[f"naive kokoro {small}"]))
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}")
    print(f"bench: warm_speedup={warm_speedup:.1f} concurrency_speedup={concurrency_speedup:.1f} "
          f"overhead_pct={overhead_pct:.2f} rss_growth_ratio={rss_growth:.2f}")


if __name__ == "__main__":
    main()
