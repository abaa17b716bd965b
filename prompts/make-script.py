#!/usr/bin/env python3
"""Writes prompts/script.tsv: what every shipped recording says.

Columns: language, prompt id, the text as written, the text as spoken. Chinese is
spoken from tone-numbered pinyin (pypinyin picks readings by word, so 银行 is yin2
hang2, which espeak-ng's own Han reading gets wrong). Run it when intents/ change,
then run generate.sh. Needs PyYAML and pypinyin (pip install pyyaml pypinyin).
"""
import glob
import os
import re
import sys

import yaml

try:
    from pypinyin import Style, lazy_pinyin
except ImportError:
    sys.exit("make-script.py needs pypinyin: pip install pypinyin")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DIGITS = "零一二三四五六七八九"

GENERIC = {
    "greeting": ("您好，欢迎来到长春市政务服务大厅，请问您要办理什么业务？",
                 "Hello, welcome to the Changchun Municipal Government Service Hall. How can I help you?"),
    "clarify": ("请问您具体要办理哪一项业务？",
                "Could you tell me which service you need?"),
    "fallback": ("抱歉，这个问题我还答不上来。请到大厅中央的咨询导服台，工作人员会帮助您。",
                 "Sorry, I can't answer that. Please ask at the consultation desk in the centre of the hall; "
                 "the staff there will help you."),
    "closing": ("不客气，祝您办事顺利！还有问题随时问我。",
                "You're welcome. Ask me any time you need help."),
}
EN_NUMBERS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
              "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
              "eighteen", "nineteen"]
EN_TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy",
           80: "eighty", 90: "ninety"}


def chinese_number(n):
    """1-99 as read aloud: 12 -> 十二, 20 -> 二十, 48 -> 四十八."""
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else DIGITS[tens] + "十")
    return head + (DIGITS[units] if units else "")


def pinyin(text):
    text = re.sub(r"\d{1,2}", lambda m: chinese_number(int(m.group())), text)
    text = text.replace("，", ", ").replace("、", ", ").replace("；", ", ")
    text = text.replace("。", ". ").replace("？", ". ").replace("！", ". ")
    words = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)
    return re.sub(r"\s+", " ", " ".join(words)).replace(" ,", ",").replace(" .", ".").strip()


def rows():
    for path in sorted(glob.glob(os.path.join(ROOT, "intents", "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f) or {}
        for intent in data.get("intents") or []:
            answer = intent["answer"]
            yield "zh", "intent/" + intent["id"], answer["zh"], pinyin(answer["zh"])
            yield "en", "intent/" + intent["id"], answer["en"], answer["en"]
    for key, (zh, en) in GENERIC.items():
        yield "zh", key, zh, pinyin(zh)
        yield "en", key, en, en
    yield "zh", "fragment/qing-dao", "请到", pinyin("请到")
    yield "zh", "fragment/hao-chuang-kou", "号窗口", pinyin("号窗口")
    for n in range(1, 11):
        yield "zh", "fragment/%d" % n, chinese_number(n), pinyin(chinese_number(n))
    yield "en", "fragment/please-go-to-window", "Please go to window", "Please go to window"
    for n in list(range(1, 20)) + sorted(EN_TENS):
        word = EN_NUMBERS[n] if n < 20 else EN_TENS[n]
        yield "en", "fragment/%d" % n, word, word


def main():
    out = os.path.join(HERE, "script.tsv")
    with open(out, "w", encoding="utf-8") as f:
        f.write("# language\tprompt id\ttext\tspoken (zh: tone-numbered pinyin)\n")
        for row in rows():
            f.write("\t".join(row) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
