"""Shared helpers for the kiosk's browser tests: Debian's chromium and chromedriver,
headless, driven by selenium. The base URL comes from HALLD_HTTP."""
import os

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ.get("HALLD_HTTP", "http://127.0.0.1:7780").rstrip("/")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")


def browser(width=1080, height=1920):
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=zh-CN",
              f"--window-size={width},{height}"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    size(d, width, height)
    d.set_script_timeout(30)
    return d


def size(d, width, height):
    """Exact viewport (headless windows are not exactly what --window-size says)."""
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def wait(d, cond, timeout=10, msg=""):
    return WebDriverWait(d, timeout, poll_frequency=0.05).until(lambda _: cond(), msg)


def ds(d, name):
    """document.body.dataset[name]"""
    return d.execute_script("return document.body.dataset[arguments[0]] || ''", name)


def visible(d, css):
    """The displayed elements matching css; none while the page is replacing them (a live
    change re-renders the map between the find and the look), so a wait tries again."""
    try:
        return [e for e in d.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]
    except StaleElementReferenceException:
        return []
