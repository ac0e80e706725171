"""RRLSRN Web end to end: the real server, Debian's chromium driven headless by selenium, a real stack.

Loads a dev stack through the page, clicks points inside and outside the brain into the Red view,
creates the brain mask (Dice against the reference), sees ×1 without a through-plane factor refused,
cancels a run (scene unchanged), runs ×2
super-resolution, downloads the output in the browser and checks geometry, and checks that the
side-by-side screenshot shows two different, non-blank views. The server is always stopped.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO, clicks, dice, reference_brain

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None)
STACK = "Pat3759_Se8_Res0.7813_0.7813_Spac4.0.nii.gz"  # 136×136×22, Dice floor 0.85 in test_slicer_logic.py
pytestmark = [
    pytest.mark.slow,  # a browser and a server: over a minute
    pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                       reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them)"),
]
selenium = pytest.importorskip("selenium", reason="selenium (test extra) is not installed")
pytest.importorskip("trame_slicer", reason="trame-slicer (web extra) is not installed")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

sitk = pytest.importorskip("SimpleITK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout: float, what: str, interval: float = 0.25):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Server:
    def __init__(self, port: int, log: Path):
        self.url = f"http://127.0.0.1:{port}/"
        self.log = log
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "RRLSRNWeb"),
                                                                        os.environ.get("PYTHONPATH")]))}
        self.started = time.monotonic()
        self.process = subprocess.Popen([sys.executable, "-m", "rrlsrn_web", "--port", str(port)],
                                        stdout=log.open("w"), stderr=subprocess.STDOUT, env=env,
                                        stdin=subprocess.DEVNULL, start_new_session=True)

    def ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the server exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
        return "RRLSRN Web is running at" in self.log.read_text()

    def scene(self) -> dict:
        with urllib.request.urlopen(self.url + "api/scene", timeout=30) as response:
            return json.load(response)

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.url + path, timeout=60) as response:
            return response.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("web") / "server.log"
    srv = Server(free_port(), log)
    try:
        wait_for(srv.ready, 90, "the server to start")
        srv.start_seconds = time.monotonic() - srv.started
        yield srv
    finally:
        srv.stop()
        print(log.read_text()[-2000:])


@pytest.fixture(scope="module")
def browser(server, tmp_path_factory):
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,900", "--force-device-scale-factor=1"]:
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.downloads = downloads
    try:
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        yield driver
    finally:
        driver.quit()


def element(driver, css: str, timeout: float = 30):
    return wait_for(lambda: next((e for e in driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()), None),
                    timeout, css)


def type_into(driver, css: str, text: str) -> None:
    field = element(driver, css)
    if field.tag_name != "input":  # Vuetify puts the id on the input itself, or on its wrapper
        field = field.find_element(By.CSS_SELECTOR, "input")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    field.send_keys(text)


def check(driver, element_id: str) -> None:
    """Tick a Vuetify checkbox (its input is invisible: clicked through the page's script)."""
    box = wait_for(lambda: driver.find_elements(By.ID, element_id), 30, element_id)[0]
    if not box.is_selected():
        driver.execute_script("arguments[0].click()", box)


def view_image(driver, index: int):
    images = [e for e in driver.find_elements(By.CSS_SELECTOR, "#views img") if e.is_displayed()]
    return images[index]


def click_voxel(driver, server, ijk) -> None:
    """Scroll the Red view to slice k and click at voxel (i, j) there."""
    type_into(driver, "#slice-index", str(int(ijk[2])))
    scene = server.scene()
    ras = np.array(scene["input"]["ijk_to_ras"]) @ np.array([*map(float, ijk), 1.0])

    def on_plane():
        view = server.scene()["views"]["Red"]
        xy = np.linalg.solve(np.array(view["xy_to_ras"]), ras)
        return (view, xy) if abs(xy[2]) < 0.5 else None
    view, xy = wait_for(on_plane, 10, f"the Red view to show slice {ijk[2]}")
    image = view_image(driver, 0)
    width, height = view["dimensions"][:2]
    sx, sy = image.size["width"] / width, image.size["height"] / height
    dx, dy = xy[0] * sx - image.size["width"] / 2, (height - 1 - xy[1]) * sy - image.size["height"] / 2
    ActionChains(driver).move_to_element_with_offset(image, int(round(dx)), int(round(dy))).pause(0.2) \
        .click().pause(0.2).perform()


def test_web_workflow_end_to_end(server, browser, dev_stacks, tmp_path):
    timings = {"server start": server.start_seconds}
    stack = next(p for p in dev_stacks if p.name == STACK)
    parts = sitk.ReadImage(str(stack).replace(".nii.gz", "_brainparts.nii.gz"))
    reference = reference_brain(sitk.GetArrayFromImage(parts))  # [k, j, i]
    spacing = (0.7813, 0.7813, 4.0)
    inside, outside = clicks(reference, spacing)

    # Open the stack by its server path, spacing from its name.
    t = time.monotonic()
    browser.get(server.url)
    element(browser, "#volume-path")
    type_into(browser, "#volume-path", str(stack.with_name("missing.nii.gz")))
    element(browser, "#open").click()
    error = element(browser, "#error")  # one sentence in the page, nothing opened
    assert "There is no file" in error.text and error.text.count(". ") == 0, error.text
    type_into(browser, "#volume-path", str(stack))
    check(browser, "spacing-from-name")
    element(browser, "#open").click()
    scene = wait_for(lambda: (s := server.scene())["input"] and s, 30, "the volume to open")
    wait_for(lambda: len([e for e in browser.find_elements(By.CSS_SELECTOR, "#views img") if e.is_displayed()]) >= 3
             and view_image(browser, 0).size["width"] > 50, 30, "the slice views")
    timings["first image"] = time.monotonic() - t
    assert scene["input"]["size"] == [136, 136, 22]
    assert np.allclose(scene["input"]["spacing"], spacing)
    assert scene["multisamples"] == [0]  # no anti-aliasing

    # Points inside and outside the brain, clicked in the Red view.
    for kind, points in (("inside", inside), ("outside", outside)):
        element(browser, f"#place-{kind}").click()
        for n, ijk in enumerate(points, 1):
            click_voxel(browser, server, ijk)
            wait_for(lambda: len(server.scene()["points"][kind]) >= n, 10, f"{kind} point {n}")
    element(browser, "#place-none").click()
    placed = server.scene()["points"]
    assert len(placed["inside"]) == len(inside) and len(placed["outside"]) == len(outside)
    ijk_to_ras = np.array(scene["input"]["ijk_to_ras"])
    for kind, points in (("inside", inside), ("outside", outside)):
        got = [np.rint(np.linalg.solve(ijk_to_ras, [*p, 1.0])[:3]) for p in placed[kind]]
        # A click lands within a voxel of where it was aimed (same slice).
        assert all(np.all(np.abs(g - np.asarray(w)) <= [1, 1, 0]) for g, w in zip(got, points)), (got, points)

    # Brain mask.
    t = time.monotonic()
    element(browser, "#create-mask").click()
    scene = wait_for(lambda: (s := server.scene())["brain_voxels"] and s, 60, "the brain mask")
    timings["mask"] = time.monotonic() - t
    mask_image = sitk.ReadImage(str(_write(tmp_path / "mask.nii.gz", server.get("download/mask"))))
    mask = sitk.GetArrayFromImage(mask_image) > 0
    assert mask.shape == reference.shape and int(mask.sum()) == scene["brain_voxels"]
    assert np.allclose(mask_image.GetSpacing(), spacing, atol=1e-4)
    timings["dice"] = dice(mask, reference)
    assert timings["dice"] >= 0.85, timings["dice"]

    # ×1 with the through-plane factor off has nothing to do: one sentence, nothing starts; the
    # through-plane options wait for a factor.
    assert not element(browser, "#slice-thickness").is_enabled()
    type_into(browser, "#through-plane", "2.5")
    wait_for(lambda: element(browser, "#slice-thickness").is_enabled(), 10, "the through-plane options")
    type_into(browser, "#through-plane", "1")
    wait_for(lambda: not element(browser, "#slice-thickness").is_enabled(), 10, "the through-plane options off")
    # "Adapt to this scan" is off by default; its seconds field is enabled only while the box is ticked.
    assert not browser.find_element(By.ID, "adapt").is_selected()
    assert not element(browser, "#adapt-seconds").is_enabled()
    check(browser, "adapt")
    wait_for(lambda: element(browser, "#adapt-seconds").is_enabled(), 10, "the adaptation's seconds")
    browser.execute_script("arguments[0].click()", browser.find_element(By.ID, "adapt"))  # untick
    wait_for(lambda: not element(browser, "#adapt-seconds").is_enabled(), 10, "the adaptation's seconds off")
    element(browser, "#scale-1").click()
    element(browser, "#apply").click()
    refusal = element(browser, "#error")
    assert "Scale ×1 keeps the in-plane grid" in refusal.text and refusal.text.count(". ") == 0, refusal.text
    assert not server.scene()["running"] and server.scene()["output"] is None

    # A cancelled run leaves the scene unchanged.
    before = server.scene()["node_ids"]
    check(browser, "mask-outside")  # a masked run writes the mask too: still nothing left behind
    element(browser, "#scale-4").click()
    element(browser, "#apply").click()
    wait_for(lambda: "cancel" in element(browser, "#apply").text.lower() or None, 20, "Apply to become Cancel")
    element(browser, "#apply").click()
    wait_for(lambda: not server.scene()["running"], 30, "the run to stop")
    after = server.scene()
    assert after["node_ids"] == before and after["output"] is None
    assert "Cancelled" in after["message"], after["message"]
    wait_for(lambda: "apply" in element(browser, "#apply").text.lower() or None, 10, "Cancel to become Apply")

    # ×2 super-resolution.
    browser.execute_script("arguments[0].click()", browser.find_element(By.ID, "mask-outside"))  # untick
    element(browser, "#scale-2").click()
    t = time.monotonic()
    element(browser, "#apply").click()
    scene = wait_for(lambda: (s := server.scene())["output"] and not s["running"] and s, 150, "the super-resolution")
    timings["super-resolution x2"] = time.monotonic() - t
    assert not scene["error"], scene["error"]
    out, inp = scene["output"], scene["input"]
    assert np.allclose(out["ras_bounds"], inp["ras_bounds"], atol=1e-3)
    assert np.prod(out["size"]) == 4 * np.prod(inp["size"]) and out["size"][2] == inp["size"][2]

    # The download, as the browser saves it, reads back with the output's geometry.
    element(browser, "#download-output").click()
    saved = wait_for(lambda: next((p for p in browser.downloads.glob("*.nii.gz")), None), 30, "the download")
    wait_for(lambda: not list(browser.downloads.glob("*.crdownload")), 30, "the download to finish")
    image = sitk.ReadImage(str(saved))
    assert list(image.GetSize()) == out["size"]
    assert np.allclose(image.GetSpacing(), out["spacing"], atol=1e-5)
    lps = np.array(image.GetOrigin())
    assert np.allclose(lps * [-1, -1, 1], np.array(out["ijk_to_ras"])[:3, 3], atol=1e-4)

    # The side-by-side result: two non-blank views that differ (the output is the sharper one).
    assert scene["layout"] == "compare"
    assert scene["views"]["Input"]["background"] == inp["id"] and scene["views"]["Output"]["background"] == out["id"]
    time.sleep(2)  # let the views settle after the layout change
    shot = tmp_path / "result.png"
    browser.save_screenshot(str(shot))
    from PIL import Image

    rect = element(browser, "#views").rect
    page = Image.open(shot).convert("L")
    page.crop((int(rect["x"]), int(rect["y"]), int(rect["x"] + rect["width"]), int(rect["y"] + rect["height"]))) \
        .save(shot)
    pixels = np.asarray(Image.open(shot), np.float64)
    left, right = pixels[:, : pixels.shape[1] // 2 - 2], pixels[:, pixels.shape[1] // 2 + 2:]
    for half in (left, right):
        assert half.std() > 10, half.std()  # not blank
    assert np.abs(left - right[:, : left.shape[1]]).mean() > 1.0  # two different images
    sharpness = [np.abs(np.diff(h, axis=1)).mean() for h in (left, right)]
    assert sharpness[1] > sharpness[0] * 0.9, sharpness
    print("timings (s) and Dice:", {k: round(v, 3) for k, v in timings.items()})

    # Upload (with "from name" unticked): the broken header is flagged, one press takes the name's spacing.
    browser.execute_script("arguments[0].click()", browser.find_element(By.ID, "spacing-from-name"))
    assert not browser.find_element(By.ID, "spacing-from-name").is_selected()
    upload = browser.find_element(By.CSS_SELECTOR, "#upload" if browser.find_elements(By.CSS_SELECTOR, "input#upload")
                                  else "#upload input[type=file]")
    upload.send_keys(str(stack))
    warning = element(browser, "#warning", timeout=60)
    assert "file name says 0.7813 × 0.7813 × 4 mm" in warning.text, warning.text
    uploaded = server.scene()
    assert uploaded["output"] is None and uploaded["brain_voxels"] == 0 and np.allclose(uploaded["input"]["spacing"], 1)
    element(browser, "#use-name-spacing").click()
    wait_for(lambda: np.allclose(server.scene()["input"]["spacing"], spacing), 20, "the spacing from the name")


def test_second_tab_is_refused_clearly(server, browser):
    if not browser.current_url.startswith(server.url):  # the workflow test skipped (no ../shared data)
        browser.get(server.url)
    element(browser, "#apply", timeout=60)  # the first tab holds the session
    first = browser.current_window_handle
    browser.switch_to.new_window("tab")
    try:
        browser.get(server.url)
        refusal = element(browser, "#refusal", timeout=30)
        assert "in use by another browser tab" in refusal.text
        assert not [e for e in browser.find_elements(By.CSS_SELECTOR, "#apply") if e.is_displayed()]
    finally:
        browser.close()
        browser.switch_to.window(first)
    assert element(browser, "#apply").is_displayed()  # the first tab keeps its scene


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
