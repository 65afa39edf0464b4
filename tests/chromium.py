"""Headless Chromium for the tests and the README screenshots: render a page, dump its DOM, decode a PNG."""
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import numpy as np

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# headless, nothing from the network, no state carried between runs (each run gets a fresh profile)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--mute-audio"]
TIMEOUT = 120


def find():
    """The Chromium executable, or None."""
    return next((shutil.which(n) for n in NAMES if shutil.which(n)), None)


def _run(binary, args, timeout=TIMEOUT):
    with tempfile.TemporaryDirectory(prefix="derivcheck-chromium-") as profile:
        return subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def dump_dom(binary, page):
    """The DOM of the file page after Chromium has parsed and laid it out, as HTML text."""
    return _run(binary, ["--dump-dom", Path(page).resolve().as_uri()]).stdout


def screenshot(binary, page, png, width=1200, height=1600):
    """Render the file page into png (width x height CSS pixels); the PNG's bytes."""
    png = Path(png).resolve()
    png.unlink(missing_ok=True)
    _run(binary, [f"--screenshot={png}", f"--window-size={width},{height}", Path(page).resolve().as_uri()])
    return png.read_bytes() if png.exists() else b""


def works(binary):
    """Chromium starts and renders a trivial page here (else a test skips: the machine, not derivcheck)."""
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "probe.html"
        page.write_text("<!DOCTYPE html><html><body><p id=probe>probe</p></body></html>")
        try:
            return 'id="probe"' in dump_dom(binary, page)
        except (OSError, subprocess.SubprocessError):
            return False


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def decode_png(data):
    """An 8-bit, non-interlaced greyscale/RGB/RGBA PNG as a (height, width, channels) uint8 array (stdlib zlib)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, color, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(color)
    if depth != 8 or channels is None or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {color}, interlace {interlace}")
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    out = np.zeros((height, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.int64)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], np.frombuffer(raw, np.uint8, stride, y * (stride + 1) + 1).astype(np.int64)
        if kind == 0:
            row = line
        elif kind == 1:  # Sub: a running sum per channel
            row = np.cumsum(line.reshape(width, channels), axis=0).reshape(stride) % 256
        elif kind == 2:  # Up
            row = (line + prev) % 256
        elif kind in (3, 4):  # Average, Paeth: sequential within the row
            cur, up = [0] * stride, prev.tolist()
            for i, x in enumerate(line.tolist()):
                left = cur[i - channels] if i >= channels else 0
                upleft = up[i - channels] if i >= channels else 0
                pred = (left + up[i]) // 2 if kind == 3 else _paeth(left, up[i], upleft)
                cur[i] = (x + pred) % 256
            row = np.array(cur, dtype=np.int64)
        else:
            raise ValueError(f"bad PNG filter {kind}")
        out[y], prev = row, row
    return out.reshape(height, width, channels)


def ink(pixels):
    """The share of pixels that differ from the page's background (its most common colour): 0 for a blank page."""
    flat = pixels.reshape(-1, pixels.shape[-1])
    colours, counts = np.unique(flat, axis=0, return_counts=True)
    background = colours[counts.argmax()]
    return float(np.any(flat != background, axis=1).mean())


def near(pixels, rgb, tolerance=40):
    """How many pixels are within tolerance (per channel) of the colour rgb."""
    diff = np.abs(pixels[..., :3].astype(int) - np.array(rgb))
    return int(np.all(diff <= tolerance, axis=-1).sum())
