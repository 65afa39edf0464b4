"""The HTML trace in a real browser: headless Chromium renders it (not blank) and its DOM has a row per link."""
import random
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import chromium
from derivcheck import api
from derivcheck.cli import main

ROOT = Path(__file__).parent.parent
SEED_003 = ROOT / "examples" / "seeds" / "003-stackoverflow-softmax.deriv.yaml"  # links [7], [8] refuted
RED, GREEN = (0xCF, 0x22, 0x2E), (0x1A, 0x7F, 0x37)  # html.COLORS of refuted and proved
BINARY = chromium.find()


def encode_png(pixels, filters):
    """A reference PNG encoder (RGB, one filter type per row) for the decoder's test."""
    height, width, channels = pixels.shape
    stride, prev, raw = width * channels, [0] * width * channels, bytearray()
    for y in range(height):
        row, kind = pixels[y].reshape(-1).tolist(), filters[y % len(filters)]
        out = []
        for i, x in enumerate(row):
            left = row[i - channels] if i >= channels else 0
            upleft = prev[i - channels] if i >= channels else 0
            pred = [0, left, prev[i], (left + prev[i]) // 2, chromium._paeth(left, prev[i], upleft)][kind]
            out.append((x - pred) % 256)
        raw += bytes([kind] + out)
        prev = row

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, {3: 2, 4: 6}[channels], 0, 0, 0)
    assert len(raw) == height * (stride + 1)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b"")


@pytest.mark.parametrize("channels", [3, 4])
def test_the_png_decoder_undoes_every_filter(channels):
    rng = np.random.default_rng(channels)
    pixels = rng.integers(0, 256, size=(10, 7, channels), dtype=np.uint8)
    filters = [0, 1, 2, 3, 4]
    random.Random(channels).shuffle(filters)
    assert np.array_equal(chromium.decode_png(encode_png(pixels, filters)), pixels)
    blank = np.full((6, 5, channels), 255, dtype=np.uint8)
    assert chromium.ink(chromium.decode_png(encode_png(blank, [4]))) == 0.0
    with pytest.raises(ValueError):
        chromium.decode_png(b"GIF89a")


class LinkRows(HTMLParser):
    """The rows of class "link" in a DOM: their data-status and their text."""

    def __init__(self):
        super().__init__()
        self.rows, self.depth = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self.depth = 0
            if "link" in (attrs.get("class") or "").split():
                self.rows.append([attrs.get("data-status"), ""])
                self.depth = 1

    def handle_endtag(self, tag):
        if tag == "tr":
            self.depth = 0

    def handle_data(self, data):
        if self.depth and self.rows:
            self.rows[-1][1] += data


@pytest.fixture(scope="module")
def browser():
    if BINARY is None:
        pytest.skip("no headless Chromium on this machine (Debian: apt-get install chromium)")
    if not chromium.works(BINARY):
        pytest.skip(f"{BINARY} is installed but cannot render a page here")
    return BINARY


@pytest.fixture(scope="module")
def trace_page(tmp_path_factory):
    page = tmp_path_factory.mktemp("browser") / "trace.html"
    out = CliRunner().invoke(main, ["trace", str(SEED_003), "--format", "html"])
    assert out.exit_code == 1  # the derivation is refuted
    page.write_text(out.output, encoding="utf-8")
    return page


def test_chromium_lays_out_one_row_per_link_with_its_status(browser, trace_page):
    dom = chromium.dump_dom(browser, trace_page)
    assert "<math" in dom  # the MathML survived the parser
    parsed = LinkRows()
    parsed.feed(dom)
    (result,) = api.verify(SEED_003).results
    assert [status for status, _ in parsed.rows] == [sr.outcome.status for sr in result.steps]
    refuted = [text for status, text in parsed.rows if status == "refuted"]
    assert len(refuted) == 2 and all("counterexample at N = " in text for text in refuted)
    assert all("counterexample" not in text for status, text in parsed.rows if status == "proved")


def test_the_screenshot_is_not_blank_and_shows_both_verdicts(browser, trace_page, tmp_path):
    pixels = chromium.decode_png(chromium.screenshot(browser, trace_page, tmp_path / "trace.png", 1000, 1300))
    assert pixels.shape[:2] == (1300, 1000)
    assert chromium.ink(pixels) > 0.02  # text and rules over a good part of the page
    inked_rows = np.any(np.any(pixels != pixels[0, 0], axis=-1), axis=1)
    assert inked_rows[: 1300 // 2].sum() > 300  # the chain, not a line of text at the top
    status_column = pixels[:, 3 * 1000 // 4:]  # the rightmost column: each link's status word, coloured
    assert chromium.near(status_column, RED) > 50 and chromium.near(status_column, GREEN) > 200


def test_a_blank_page_fails_the_screenshot_test(browser, tmp_path):
    """The check above can fail: an empty page (white) has no ink and none of the verdict colours."""
    page = tmp_path / "blank.html"
    page.write_text("<!DOCTYPE html><html><body></body></html>")
    pixels = chromium.decode_png(chromium.screenshot(browser, page, tmp_path / "blank.png", 400, 300))
    assert chromium.ink(pixels) < 0.001 and chromium.near(pixels, RED) == 0


@pytest.mark.parametrize("uid, apt, called, message", [
    ("0", "exit 100", True, True),  # apt-get fails: a message, exit 0
    ("0", "exec sleep 600", True, True),  # apt-get hangs: cut at the time limit, exit 0
    ("1000", "exit 0", False, False),  # not root: apt-get is not tried
])
def test_ci_tries_to_install_chromium_but_never_fails_or_hangs(tmp_path, uid, apt, called, message):
    import shutil
    import subprocess

    bin_ = tmp_path / "bin"
    bin_.mkdir()
    for tool in ("sh", "timeout", "sleep"):
        (bin_ / tool).symlink_to(shutil.which(tool))
    fakes = {"id": f"echo {uid}", "apt-get": f'echo "$@" >> "{tmp_path}/apt.log"; {apt}'}
    for name, body in fakes.items():
        (bin_ / name).write_text(f"#!{shutil.which('sh')}\n{body}\n")
        (bin_ / name).chmod(0o755)
    env = {"PATH": str(bin_), "DERIVCHECK_CI_BROWSER_TIMEOUT": "2"}
    out = subprocess.run(["sh", str(ROOT / ".ci" / "browser")], env=env, capture_output=True, text=True,
                         timeout=60, executable=shutil.which("sh"))
    assert out.returncode == 0
    assert (tmp_path / "apt.log").exists() == called
    assert ("chromium not installed" in out.stderr) == message
    assert "sh .ci/browser || true" in (ROOT / ".ci" / "run").read_text()
