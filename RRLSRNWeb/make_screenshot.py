"""Regenerate docs/figures/web_page.png: RRLSRN Web on its demo volume, driven by headless chromium.

    .venv/bin/python RRLSRNWeb/make_screenshot.py [--out docs/figures/web_page.png]

Starts ``rrlsrn-web --demo`` on a free loopback port, clicks three points inside the brain in the
Red view, creates the brain mask, runs ×2 super-resolution on the CPU and saves the page with
input and output side by side; prints the timings. The server is always stopped.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

HERE = Path(__file__).resolve().parent


def wait_for(condition, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise SystemExit(f"timed out waiting for {what}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=HERE.parent / "docs" / "figures" / "web_page.png")
    args = p.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    log = Path(tempfile.mkdtemp()) / "server.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))}
    t0 = time.monotonic()
    server = subprocess.Popen([sys.executable, "-m", "rrlsrn_web", "--demo", "--port", str(port)],
                              stdout=log.open("w"), stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL)

    def scene():
        with urllib.request.urlopen(url + "api/scene", timeout=30) as r:
            return json.load(r)

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1400,1100", "--force-device-scale-factor=1"]:
        options.add_argument(a)
    driver = None
    try:
        wait_for(lambda: server.poll() is None and "running at" in log.read_text(), 120, "the server")
        timings = {"server start (with demo volume)": time.monotonic() - t0}
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        t = time.monotonic()
        driver.get(url)
        wait_for(lambda: [e for e in driver.find_elements(By.CSS_SELECTOR, "#views img") if e.is_displayed()],
                 60, "the views")
        timings["first image"] = time.monotonic() - t
        size = scene()["input"]["size"]
        driver.find_element(By.ID, "place-inside").click()
        for di, dj in ((0, 0), (-12, 8), (12, -8)):
            ijk = (size[0] // 2 + di, size[1] // 2 + dj, size[2] // 2)
            field = driver.find_element(By.ID, "slice-index")
            field.send_keys(Keys.CONTROL, "a")
            field.send_keys(Keys.BACKSPACE)
            field.send_keys(str(ijk[2]))
            time.sleep(0.5)
            info = scene()
            ras = np.array(info["input"]["ijk_to_ras"]) @ [*ijk, 1.0]
            view = info["views"]["Red"]
            xy = np.linalg.solve(np.array(view["xy_to_ras"]), ras)
            image = [e for e in driver.find_elements(By.CSS_SELECTOR, "#views img") if e.is_displayed()][0]
            w, h = view["dimensions"][:2]
            ActionChains(driver).move_to_element_with_offset(
                image, int(xy[0] * image.size["width"] / w - image.size["width"] / 2),
                int((h - 1 - xy[1]) * image.size["height"] / h - image.size["height"] / 2)).pause(0.2).click().perform()
            time.sleep(0.5)
        driver.find_element(By.ID, "place-none").click()
        t = time.monotonic()
        driver.find_element(By.ID, "create-mask").click()
        wait_for(lambda: scene()["brain_voxels"], 60, "the mask")
        timings["mask"] = time.monotonic() - t
        t = time.monotonic()
        driver.find_element(By.ID, "apply").click()
        wait_for(lambda: (s := scene())["output"] and not s["running"], 300, "the super-resolution")
        timings["super-resolution x2"] = time.monotonic() - t
        time.sleep(3)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(args.out))
        from PIL import Image  # 128 colours: a third of the size, no visible change on grey MRI

        Image.open(args.out).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT,
                                                     dither=Image.Dither.NONE).save(args.out, optimize=True)
        print(f"wrote {args.out}")
        print("timings (s):", {k: round(v, 1) for k, v in timings.items()})
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
