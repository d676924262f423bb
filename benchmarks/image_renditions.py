"""Time and peak memory to take in a 24-megapixel JPEG and make its renditions.

Usage (from the project root, after ./run or ./test has made .venv):
    .venv/bin/python benchmarks/image_renditions.py [--megapixels 24] [--repeat 3]

It draws a photo-like 6000x4000 JPEG with Pillow (no downloads), then measures, each step in a
fresh process so its peak resident memory (ru_maxrss) is its own:

- upload: blog.media.image_clean, what the admin does while the editor waits (decode, check,
  turn upright, re-encode without metadata);
- renditions: what the worker's task does (decode the stored original, five widths in WebP and
  JPEG and the 1200x630 link preview card), as blog.media does it: the JPEG decoder scales down
  by 1/2, 1/4 or 1/8 while decoding ("draft") when that is still wide enough;
- renditions without draft: the same from the full-size decode, the comparison for the ratio.

No database or storage is touched: the Pillow work is the cost.
"""

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def draw_photo(path, megapixels):
    """A JPEG with noise and gradients, so it compresses like a camera photo, not a flat fill."""
    from PIL import Image, ImageFilter

    width = int((megapixels * 1_000_000 * 3 / 2) ** 0.5)
    height = int(width * 2 / 3)
    noise = Image.effect_noise((width // 4, height // 4), 60).resize((width, height))
    gradient = Image.linear_gradient("L").resize((width, height))
    picture = Image.merge("RGB", (noise, gradient, noise.filter(ImageFilter.GaussianBlur(3))))
    picture.save(path, "JPEG", quality=90)
    return width, height


def peak_mb():
    """This process's peak resident memory. VmHWM, because on Linux ru_maxrss keeps the peak of
    the process that exec'd us (the parent, which drew the 24 MP picture)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(step, path):
    """Run one step in this process and print {"seconds", "baseline_mb", "peak_mb"}."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image as PILImage

    from blog.media import renditions
    from blog.media import services as media
    from blog.media.models import Image

    data = Path(path).read_bytes()
    baseline = peak_mb()
    started = time.perf_counter()
    if step == "upload":
        clean = media.image_clean(SimpleUploadedFile("photo.jpg", data))
        result = {"stored_bytes": len(clean.content)}
    else:
        with PILImage.open(io.BytesIO(data)) as pil:
            image = Image(width=pil.width, height=pil.height, format="JPEG", animated=False)
            specs = sorted(renditions.rendition_specs(image, alpha=False), key=lambda spec: spec[2])
            if step == "renditions-no-draft":
                pil.draft = lambda *args: None  # decode at full size
            frames, durations = renditions.source_frames(pil, image, specs)
            decoded = frames[0].size
            scaled = {}
            content = renditions.rendition_content
            sizes = [
                len(content(image, kind, fmt, width, frames, durations, scaled)[0])
                for kind, fmt, width in specs
            ]
        result = {"renditions": len(specs), "decoded_at": decoded, "bytes": sum(sizes)}
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "baseline_mb": baseline, "peak_mb": peak_mb(), **result}))


def measure(step, path, repeat):
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--child", step, path],
            cwd=ROOT, check=True, capture_output=True, text=True,
        )  # fmt: skip
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda run: run["seconds"])
    best["median_seconds"] = statistics.median(run["seconds"] for run in runs)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megapixels", type=float, default=24)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("STEP", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "photo.jpg")
        width, height = draw_photo(path, args.megapixels)
        size = os.path.getsize(path) / 1024 / 1024
        print(f"Source: {width}x{height} JPEG ({width * height / 1e6:.1f} MP, {size:.1f} MB)")
        print(f"{'step':<22}{'best s':>8}{'median s':>10}{'peak MB':>9}{'over base':>11}")
        results = {}
        for step in ("upload", "renditions", "renditions-no-draft"):
            run = results[step] = measure(step, path, args.repeat)
            print(
                f"{step:<22}{run['seconds']:>8.2f}{run['median_seconds']:>10.2f}"
                f"{run['peak_mb']:>9.0f}{run['peak_mb'] - run['baseline_mb']:>11.0f}"
            )
        fast, slow = results["renditions"], results["renditions-no-draft"]
        over = [max(1.0, run["peak_mb"] - run["baseline_mb"]) for run in (slow, fast)]
        print(
            f"Renditions: {fast['renditions']} files, {fast['bytes'] / 1024 / 1024:.1f} MB, "
            f"decoded at {fast['decoded_at'][0]}x{fast['decoded_at'][1]}; draft decoding is "
            f"{slow['median_seconds'] / fast['median_seconds']:.1f}x faster and needs "
            f"{over[0] / over[1]:.1f}x less memory over the baseline"
        )


if __name__ == "__main__":
    main()
