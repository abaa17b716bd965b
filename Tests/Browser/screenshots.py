#!/usr/bin/env python3
"""Screenshots of the kiosk at 1080×1920 (portrait) and 1920×1080 (landscape): home,
search ("hz") and a route (exit-entry), plus the phone route page.

    HALLD_HTTP=http://127.0.0.1:7780 python3 Tests/Browser/screenshots.py OUTDIR [SCREEN]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import BASE, browser, ds, size, visible, wait  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402


def shoot(d, out, name):
    d.execute_script("document.activeElement && document.activeElement.blur()")
    path = os.path.join(out, name + ".png")
    d.save_screenshot(path)
    print(path)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    screen = sys.argv[2] if len(sys.argv) > 2 else "screen-north"
    os.makedirs(out, exist_ok=True)
    d = browser()
    try:
        for w, h, tag in ((1080, 1920, "portrait"), (1920, 1080, "landscape")):
            size(d, w, h)
            d.get(f"{BASE}/screens/{screen}")
            wait(d, lambda: ds(d, "ready") == "1" and visible(d, "#index .dest"))
            shoot(d, out, f"{tag}-home")
            q = d.find_element(By.ID, "q")
            q.click()
            for c in "hz":
                d.find_element(By.CSS_SELECTOR, f'#osk .key[data-key="{c}"]').click()
            wait(d, lambda: ds(d, "resultsFor") == "hz")
            shoot(d, out, f"{tag}-search-hz")
            visible(d, '#results .dest[data-destination="exit-entry"]')[0].click()
            wait(d, lambda: d.execute_script("return !!document.querySelector('#map-svg #route-path')"))
            d.execute_script("document.querySelectorAll('#route-path.draw').forEach(p => p.classList.remove('draw'))")
            shoot(d, out, f"{tag}-route-exit-entry")
            d.find_element(By.ID, "btn-lang").click()
            wait(d, lambda: d.execute_script("return document.documentElement.lang") == "en")
            shoot(d, out, f"{tag}-route-exit-entry-en")
            d.find_element(By.ID, "btn-home").click()
            d.find_element(By.ID, "btn-large").click()
            shoot(d, out, f"{tag}-home-en-large")
        size(d, 390, 844)
        d.get(f"{BASE}/phone/route?from={screen}&to=restroom&lang=zh")
        wait(d, lambda: d.execute_script("return !!document.querySelector('#map-svg #route-path')"))
        d.execute_script("document.querySelectorAll('#route-path.draw').forEach(p => p.classList.remove('draw'))")
        total = d.execute_script("return document.documentElement.scrollHeight")
        size(d, 390, min(total, 2400))
        shoot(d, out, "phone-route-restroom")
    finally:
        d.quit()


if __name__ == "__main__":
    main()
