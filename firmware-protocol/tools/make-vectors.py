#!/usr/bin/env python3
"""Writes vectors.json and c/vectors.h: known-answer tests for HallGuide device protocol v1.

An encoder written from PROTOCOL.md alone (standard library only, zlib's CRC-32, hmac), so
the C reference codec and halld's Swift codec are both checked against bytes neither made.
Each case gives the bytes and what a receiver makes of them: the events a streaming decoder
yields for the whole input ("events"), then those it yields once told the input has ended
mid-frame ("afterAbandon"). The expected events of the corrupt cases are written out by hand
below and checked against a small reference decoder (scan), so a mistake in either shows.

Run from anywhere: python3 firmware-protocol/tools/make-vectors.py [--check]
"""
import hashlib
import hmac
import json
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

SYNC = b"\xa5\x5a"
MAX_PAYLOAD = 1024
ACK_REQUESTED, RETRANSMIT = 0x01, 0x02

TYPES = {"hello": 0x01, "challenge": 0x02, "authenticate": 0x03, "authResult": 0x04, "heartbeat": 0x05,
         "query": 0x10, "answer": 0x11, "lead": 0x20, "leadProgress": 0x21, "recall": 0x22,
         "display": 0x30, "notice": 0x31, "ack": 0x7E, "nak": 0x7F}
KIND = {"robot": 1, "screen": 2}
STATE = {"idle": 0, "leading": 1, "returning": 2, "charging": 3, "fault": 4}
OUTCOME = {"route": 1, "clarify": 2, "fallback": 3}
LEAD_OFFER = {"notApplicable": 0, "willLead": 1, "busy": 2, "unavailable": 3}
LEAD_STATUS = {"accepted": 1, "arrived": 2, "aborted": 3, "blocked": 4, "returning": 5, "docked": 6}
NAK_CODE = {"unknownType": 1, "malformedPayload": 2, "notAuthenticated": 3, "rateLimited": 4, "busy": 5,
            "unsupportedVersion": 6, "tooLarge": 7, "authenticationFailed": 8, "unknownDevice": 9,
            "internalError": 10}
AUTH_CODE = dict(NAK_CODE, none=0)
TOPIC = {"hall": 1, "fleet": 2, "live": 3}


# ---------------------------------------------------------------- encoding (PROTOCOL.md §2, §4, §5)

def crc32(data):
    return zlib.crc32(data) & 0xFFFFFFFF


def frame(type_, payload, sequence, flags=0, version=1):
    body = struct.pack("<BBBHH", version, flags, type_, sequence, len(payload)) + payload
    return SYNC + body + struct.pack("<I", crc32(body))


def field(tag, value):
    return struct.pack("<BH", tag, len(value)) + value


def u8(tag, v): return field(tag, struct.pack("<B", v))
def u16(tag, v): return field(tag, struct.pack("<H", v))
def u32(tag, v): return field(tag, struct.pack("<I", v))
def i32(tag, v): return field(tag, struct.pack("<i", v))
def text(tag, s): return field(tag, s.encode("utf-8"))
def raw(tag, h): return field(tag, bytes.fromhex(h))


def point(tag, p):
    return field(tag, text(1, p["node"]) + i32(2, p["xCentimetres"]) + i32(3, p["yCentimetres"]) + text(4, p["level"]))


def payload_of(m):
    """The canonical payload: every field, in tag order; list items in order."""
    t = m["type"]
    if t == "hello":
        return (text(1, m["deviceID"]) + u8(2, KIND[m["kind"]]) + text(3, m["firmware"])
                + u32(4, m["capabilities"]) + raw(5, m["clientNonce"]))
    if t == "challenge":
        return raw(1, m["serverNonce"])
    if t == "authenticate":
        return raw(1, m["proof"])
    if t == "authResult":
        return (u8(1, 1 if m["accepted"] else 0) + u16(2, m["heartbeatSeconds"]) + text(3, m["reason"])
                + u8(4, AUTH_CODE[m["code"]]))
    if t == "heartbeat":
        return u8(1, STATE[m["state"]]) + u8(2, m["battery"]) + point(3, m["position"])
    if t == "query":
        return (u32(1, m["queryID"]) + text(2, m["text"]) + text(3, m["language"]) + u8(4, m["confidence"])
                + u8(5, 1 if m["newVisitor"] else 0))
    if t == "answer":
        return (u32(1, m["queryID"]) + u8(2, OUTCOME[m["outcome"]]) + text(3, m["destination"])
                + b"".join(text(4, c) for c in m["candidates"])
                + text(5, m["text"]) + text(6, m["language"]) + text(7, m["prompt"])
                + b"".join(point(8, p) for p in m["route"])
                + b"".join(text(9, s) for s in m["steps"])
                + u32(10, m["decimetres"]) + u16(11, m["seconds"]) + u8(12, LEAD_OFFER[m["lead"]]))
    if t == "lead":
        return u32(1, m["leadID"]) + text(2, m["destination"]) + b"".join(point(3, p) for p in m["route"])
    if t == "leadProgress":
        return u32(1, m["leadID"]) + u8(2, LEAD_STATUS[m["status"]]) + point(3, m["position"])
    if t == "recall":
        return text(1, m["reason"])
    if t == "display":
        return (u32(1, m["displayID"]) + text(2, m["destination"]) + text(3, m["title"]) + text(4, m["text"])
                + b"".join(point(5, p) for p in m["route"]) + u16(6, m["ttlSeconds"]))
    if t == "notice":
        return u8(1, TOPIC[m["topic"]]) + text(2, m["dataVersion"])
    if t == "ack":
        return u16(1, m["sequence"])
    if t == "nak":
        return u16(1, m["sequence"]) + u8(2, NAK_CODE[m["code"]]) + text(3, m["detail"])
    raise ValueError(t)


# ---------------------------------------------------------------- expected events

def frame_meaning(data):
    version, flags, type_, sequence, length = struct.unpack("<BBBHH", data[2:9])
    return {"version": version, "flags": flags, "type": type_, "sequence": sequence, "payload": data[9:9 + length].hex()}


def frame_event(data, message=None, error=None):
    event = {"frame": frame_meaning(data)}
    if message is not None:
        event["message"] = message
    else:
        event["messageError"] = error
    return event


def discarded(count, reason, **header):
    d = {"bytes": count, "reason": reason}
    d.update(header)
    return {"discarded": d}


def scan(data, stale):
    """The resync rule of PROTOCOL.md §2.4, on a whole input. Returns (events, where it stopped)."""
    events, i, n = [], 0, len(data)
    while i < n:
        j = data.find(SYNC, i)
        if j < 0:
            end = n - 1 if data[-1] == 0xA5 and not stale else n
            if end > i:
                events.append(discarded(end - i, "noSync"))
            i = end
            break
        if j > i:
            events.append(discarded(j - i, "noSync"))
            i = j
            continue
        if n - i < 9:
            if not stale:
                break
            events.append(discarded(1, "truncated"))
            i += 1
            continue
        version, flags, type_, sequence, length = struct.unpack("<BBBHH", data[i + 2:i + 9])
        if length > MAX_PAYLOAD:
            events.append(discarded(1, "oversizedLength"))
            i += 1
            continue
        size = 13 + length
        if n - i < size:
            if not stale:
                break
            events.append(discarded(1, "truncated"))
            i += 1
            continue
        if struct.unpack("<I", data[i + size - 4:i + size])[0] != crc32(data[i + 2:i + size - 4]):
            events.append(discarded(1, "badCRC"))
            i += 1
            continue
        if version != 1:
            events.append(discarded(size, "unsupportedVersion", version=version, type=type_, sequence=sequence, flags=flags))
        else:
            events.append({"frame": frame_meaning(data[i:i + size])})
        i += size
    return events, i


def check_against_reference(case):
    data = bytes.fromhex(case["hex"])
    events, stop = scan(data, stale=False)
    after, _ = scan(data[stop:], stale=True)
    strip = lambda evs: [{k: v for k, v in e.items() if k not in ("message", "messageError")} for e in evs]
    assert strip(case["events"]) == events, (case["name"], case["events"], events)
    assert strip(case["afterAbandon"]) == after, (case["name"], case["afterAbandon"], after)


# ---------------------------------------------------------------- the cases

CASES = []


def case(name, description, data, events, after_abandon=(), canonical=None):
    c = {"name": name, "description": description, "hex": data.hex()}
    if canonical is not None:
        c["canonical"] = canonical
    c["events"] = events
    c["afterAbandon"] = list(after_abandon)
    check_against_reference(c)
    CASES.append(c)


def message_case(name, description, message, sequence, flags=0):
    """A valid frame carrying `message` in canonical form: decoders must re-encode it to the same bytes."""
    data = frame(TYPES[message["type"]], payload_of(message), sequence, flags)
    case(name, description, data, [frame_event(data, message)], canonical=True)
    return data


def pos(node, x, y, level):
    return {"node": node, "xCentimetres": x, "yCentimetres": y, "level": level}


# The authentication vector (PROTOCOL.md §6.1).
AUTH_KEY = bytes(range(0x20, 0x40))
CLIENT_NONCE = bytes.fromhex("0f1e2d3c4b5a69788796a5b4c3d2e1f0")
SERVER_NONCE = bytes(range(0xA0, 0xB0))
DEVICE_ID = "robot-north"
AUTH_MESSAGE = b"hallguide-auth-v1" + SERVER_NONCE + CLIENT_NONCE + DEVICE_ID.encode("utf-8")
PROOF = hmac.new(AUTH_KEY, AUTH_MESSAGE, hashlib.sha256).digest()

ROUTE = [pos("n-robot-north", 1200, -350, "L1"), pos("n-atrium", 1200, 1800, "L1"),
         pos("n-west-1", -2400, 1800, "L1")]
ANSWER_ROUTE = {
    "type": "answer", "queryID": 7, "outcome": "route", "destination": "exit-entry", "candidates": [],
    "text": "出入境业务在西厅1至4号窗口。", "language": "zh", "prompt": "intent/exit-entry", "route": ROUTE,
    "steps": ["向南直走30米。", "在咨询导服台处右转，再走16米。"], "decimetres": 690, "seconds": 55, "lead": "willLead"}
QUERY = {"type": "query", "queryID": 7, "text": "护照在哪里办", "language": "zh", "confidence": 92, "newVisitor": False}


def build():
    hello = {"type": "hello", "deviceID": DEVICE_ID, "kind": "robot", "firmware": "2.4.1", "capabilities": 15,
             "clientNonce": CLIENT_NONCE.hex()}
    message_case("hello", "A robot opens the link: id, kind, firmware, capabilities lead|display|audio|voice, client nonce.",
                 hello, 1)
    message_case("hello-screen", "An index screen: capabilities display only.",
                 {"type": "hello", "deviceID": "screen-west", "kind": "screen", "firmware": "1.0.0", "capabilities": 2,
                  "clientNonce": "00" * 16}, 1)
    message_case("challenge", "halld answers hello with its 16-byte nonce.",
                 {"type": "challenge", "serverNonce": SERVER_NONCE.hex()}, 1)
    message_case("authenticate", "The proof of the auth vector (see \"auth\").",
                 {"type": "authenticate", "proof": PROOF.hex()}, 2)
    message_case("auth-result-accepted", "Accepted; heartbeat every 5 s; code 0 (none).",
                 {"type": "authResult", "accepted": True, "heartbeatSeconds": 5, "reason": "", "code": "none"}, 2)
    message_case("auth-result-refused", "Refused after a wrong proof: code authenticationFailed (8); heartbeatSeconds 0.",
                 {"type": "authResult", "accepted": False, "heartbeatSeconds": 0, "reason": "bad proof",
                  "code": "authenticationFailed"}, 2)
    message_case("auth-result-unknown-device", "Refused at hello: the id is not configured, or its kind differs (code unknownDevice, 9).",
                 {"type": "authResult", "accepted": False, "heartbeatSeconds": 0, "reason": "refused",
                  "code": "unknownDevice"}, 2)
    message_case("auth-result-rate-limited", "Refused at hello: too many failures from this id or address (code rateLimited, 4): retry after at least 2 s.",
                 {"type": "authResult", "accepted": False, "heartbeatSeconds": 0, "reason": "locked out, retry later",
                  "code": "rateLimited"}, 2)
    message_case("heartbeat", "Idle robot, battery 87 %, at its station.",
                 {"type": "heartbeat", "state": "idle", "battery": 87, "position": pos("n-robot-north", 1200, -350, "L1")}, 3)
    message_case("heartbeat-unknown", "A screen, or halld on an idle link (§9): idle, battery unknown (255), no position.",
                 {"type": "heartbeat", "state": "idle", "battery": 255, "position": pos("", 0, 0, "")}, 2)
    query = message_case("query", "A visitor's question, acknowledgement requested.", QUERY, 4, ACK_REQUESTED)
    message_case("query-retransmit", "The same query sent again after no ack: same sequence, RETRANSMIT set.",
                 QUERY, 4, ACK_REQUESTED | RETRANSMIT)
    message_case("query-new-visitor", "A new person asks (newVisitor 1): halld forgets the previous visitor's context.",
                 {"type": "query", "queryID": 8, "text": "Where do I renew my passport?", "language": "en", "confidence": 80,
                  "newVisitor": True}, 5, ACK_REQUESTED)
    message_case("answer-route", "The answer with a route of three points, two steps; the robot will lead.",
                 ANSWER_ROUTE, 5, ACK_REQUESTED)
    message_case("answer-clarify", "A clarifying question: two candidates, no route.",
                 {"type": "answer", "queryID": 8, "outcome": "clarify", "destination": "", "candidates": ["social-security", "medical-insurance"],
                  "text": "您是要办社保还是医保？", "language": "zh", "prompt": "clarify", "route": [], "steps": [],
                  "decimetres": 0, "seconds": 0, "lead": "notApplicable"}, 6, ACK_REQUESTED)
    message_case("answer-busy", "The robot is busy leading: the screens show the route instead.",
                 dict(ANSWER_ROUTE, queryID=9, lead="busy", language="en", text="Exit-entry is at windows 1 to 4.",
                      steps=[], route=ROUTE[:1]), 7, ACK_REQUESTED)
    message_case("lead", "Walk the visitor to exit-entry along the route.",
                 {"type": "lead", "leadID": 3, "destination": "exit-entry", "route": ROUTE}, 8, ACK_REQUESTED)
    for sequence, status in enumerate(["accepted", "arrived", "blocked", "returning", "docked"], start=5):
        message_case("lead-progress-" + status, "The robot reports its lead: " + status + ".",
                     {"type": "leadProgress", "leadID": 3, "status": status, "position": pos("n-atrium", 1200, 1800, "L1")},
                     sequence, ACK_REQUESTED)
    message_case("recall", "Back to the station.", {"type": "recall", "reason": "lead finished"}, 9, ACK_REQUESTED)
    message_case("display", "Show a route on a screen for 30 s.",
                 {"type": "display", "displayID": 12, "destination": "exit-entry", "title": "出入境",
                  "text": "西厅1至4号窗口", "route": ROUTE, "ttlSeconds": 30}, 10, ACK_REQUESTED)
    message_case("display-clear", "Clear the screen (ttl 0).",
                 {"type": "display", "displayID": 13, "destination": "", "title": "", "text": "", "route": [],
                  "ttlSeconds": 0}, 11, ACK_REQUESTED)
    message_case("notice-hall", "The hall data was reloaded: refetch the index (data version given).",
                 {"type": "notice", "topic": "hall", "dataVersion": "29178fa7ebf14495"}, 12, ACK_REQUESTED)
    message_case("notice-fleet", "A robot started or finished leading.",
                 {"type": "notice", "topic": "fleet", "dataVersion": ""}, 13, ACK_REQUESTED)
    message_case("notice-live", "Windows or places closed or opened, or the opening hours turned.",
                 {"type": "notice", "topic": "live", "dataVersion": "29178fa7ebf14495"}, 14, ACK_REQUESTED)
    message_case("ack", "Acknowledges sequence 4; ack frames carry sequence 0.", {"type": "ack", "sequence": 4}, 0)
    message_case("nak-rate-limited", "Refuses sequence 4: over the query rate.",
                 {"type": "nak", "sequence": 4, "code": "rateLimited", "detail": "5 queries per 10 s"}, 0)
    message_case("reserved-flags", "Reserved flag bits set (0x80): receivers ignore them, the frame is valid.",
                 {"type": "ack", "sequence": 9}, 0, 0x80)
    message_case("sync-inside-payload", "A route x of 23205 cm is A5 5A 00 00 on the wire: a sync pair inside a valid frame is just data.",
                 {"type": "lead", "leadID": 4, "destination": "x", "route": [pos("", 0x5AA5, 0, "")]}, 12, ACK_REQUESTED)

    # Tolerated, not canonical: decoders must accept these; encoders never produce them.
    payload = payload_of(QUERY) + field(0x40, b"future") + field(0x00, b"")
    data = frame(0x10, payload, 4, ACK_REQUESTED)
    case("unknown-tag-skipped", "A query with fields of tags 0x40 and 0x00, which v1 does not define: skipped.",
         data, [frame_event(data, QUERY)], canonical=False)
    payload = u8(4, 92) + text(3, "zh") + text(2, "护照在哪里办") + u32(1, 7)
    data = frame(0x10, payload, 4, ACK_REQUESTED)
    case("fields-any-order", "The query's fields in reverse order.", data, [frame_event(data, QUERY)], canonical=False)
    answer = dict(ANSWER_ROUTE, route=[], steps=[], decimetres=0, seconds=0, lead="notApplicable", destination="",
                  outcome="fallback", prompt="fallback", text="请到咨询台。", queryID=10)
    payload = u32(1, 10) + u8(2, 3) + text(5, "请到咨询台。") + text(6, "zh") + text(7, "fallback")
    data = frame(0x11, payload, 13, ACK_REQUESTED)
    case("optional-fields-omitted", "An answer without its optional fields: they take their defaults.",
         data, [frame_event(data, answer)], canonical=False)
    payload = u8(1, 0) + u16(2, 0) + text(3, "refused")
    data = frame(0x04, payload, 2)
    case("auth-result-without-code", "An authResult as revision 1.0 wrote it, without tag 4: code none.",
         data, [frame_event(data, {"type": "authResult", "accepted": False, "heartbeatSeconds": 0, "reason": "refused",
                                   "code": "none"})], canonical=False)
    payload = u32(1, 7) + text(2, "护照在哪里办") + text(3, "zh") + u8(4, 92)
    data = frame(0x10, payload, 4, ACK_REQUESTED)
    case("query-without-new-visitor", "A query as revision 1.0 wrote it, without tag 5: newVisitor 0.",
         data, [frame_event(data, QUERY)], canonical=False)
    data = frame(0x31, u8(1, 1), 15, ACK_REQUESTED)
    case("notice-without-data-version", "A notice of topic hall alone: dataVersion defaults to empty.",
         data, [frame_event(data, {"type": "notice", "topic": "hall", "dataVersion": ""})], canonical=False)
    data = frame(0x22, b"", 14, ACK_REQUESTED)
    case("empty-recall", "A recall with an empty payload: reason defaults to empty.",
         data, [frame_event(data, {"type": "recall", "reason": ""})], canonical=False)
    point_partial = field(3, text(1, "n-atrium"))
    data = frame(0x21, u32(1, 3) + u8(2, 2) + point_partial, 15, ACK_REQUESTED)
    case("point-fields-omitted", "A position with only its node: x, y 0 and level empty.",
         data, [frame_event(data, {"type": "leadProgress", "leadID": 3, "status": "arrived",
                                   "position": pos("n-atrium", 0, 0, "")})], canonical=False)
    filler = "x" * (1024 - len(payload_of({"type": "display", "displayID": 1, "destination": "", "title": "", "text": "",
                                           "route": [], "ttlSeconds": 5})))
    filler = filler[:512]
    title = "t" * (1024 - len(payload_of({"type": "display", "displayID": 1, "destination": "", "title": "", "text": filler,
                                          "route": [], "ttlSeconds": 5})))
    big = {"type": "display", "displayID": 1, "destination": "", "title": title, "text": filler, "route": [], "ttlSeconds": 5}
    assert len(payload_of(big)) == 1024
    message_case("max-payload", "A frame of exactly 1024 payload bytes, the maximum (1037 bytes in all).", big, 16, ACK_REQUESTED)

    # Valid frames whose payload is not a valid message: the receiver naks them if asked.
    data = frame(0x55, b"\x01\x00\x00", 17, ACK_REQUESTED)
    case("unknown-type", "Type 0x55 is not defined in v1: nak unknownType.", data, [frame_event(data, error="unknownType")])
    bad_payloads = [
        ("missing-field", "A query without its text (tag 2).", 0x10, u32(1, 7) + text(3, "zh") + u8(4, 92)),
        ("invalid-utf8", "A query text that is not UTF-8.", 0x10, u32(1, 7) + field(2, b"\xe6\x8a") + text(3, "zh") + u8(4, 92)),
        ("undefined-enum", "A heartbeat with state 9.", 0x05, u8(1, 9) + u8(2, 50)),
        ("battery-out-of-range", "A heartbeat with battery 101.", 0x05, u8(1, 0) + u8(2, 101)),
        ("field-runs-past-end", "A field whose length runs past the payload.", 0x7E, b"\x01\x05\x00\x04\x00"),
        ("field-header-cut", "Two bytes left over: not even a field header.", 0x7E, u16(1, 4) + b"\x09\x00"),
        ("wrong-integer-size", "An ack sequence of 3 bytes.", 0x7E, field(1, b"\x04\x00\x00")),
        ("duplicate-field", "A query with two texts.", 0x10, u32(1, 7) + text(2, "a") + text(2, "b") + text(3, "zh") + u8(4, 92)),
        ("string-too-long", "A query text of 513 bytes.", 0x10, u32(1, 7) + text(2, "a" * 513) + text(3, "zh") + u8(4, 92)),
        ("short-nonce", "A hello whose client nonce has 15 bytes.", 0x01,
         text(1, "r") + u8(2, 1) + text(3, "1") + u32(4, 0) + field(5, b"\x00" * 15)),
        ("bad-point", "A route point whose nested fields run past its value.", 0x20,
         u32(1, 1) + text(2, "d") + field(3, b"\x01\x09\x00ab")),
        ("auth-code", "An authResult with code 11, which §10 does not define.", 0x04,
         u8(1, 0) + u16(2, 0) + text(3, "") + u8(4, 11)),
        ("new-visitor", "A query whose newVisitor is 2 (a bool is 0 or 1).", 0x10,
         u32(1, 7) + text(2, "a") + text(3, "zh") + u8(4, 92) + u8(5, 2)),
        ("notice-topic", "A notice of topic 4, undefined.", 0x31, u8(1, 4) + text(2, "")),
        ("notice-no-topic", "A notice without its topic (tag 1, required).", 0x31, text(2, "v")),
    ]
    for sequence, (name, description, type_, payload) in enumerate(bad_payloads, start=18):
        data = frame(type_, payload, sequence, ACK_REQUESTED)
        case("malformed-" + name, description + " Nak malformedPayload.", data, [frame_event(data, error="malformedPayload")])

    # Streams: corruption and resynchronisation.
    ack = frame(0x7E, u16(1, 4), 0)
    ack_meaning = {"type": "ack", "sequence": 4}
    case("two-frames", "A query and an ack back to back.", query + ack,
         [frame_event(query, QUERY), frame_event(ack, ack_meaning)])
    garbage = bytes.fromhex("0013a5ff5a")
    case("garbage-before-frame", "Five bytes of noise (including a lone A5) before a frame.", garbage + ack,
         [discarded(5, "noSync"), frame_event(ack, ack_meaning)])
    bad = bytearray(query)
    bad[-1] ^= 0xFF
    case("bad-crc", "The query with its last CRC byte flipped: its first byte is dropped, the rest scanned as noise.",
         bytes(bad), [discarded(1, "badCRC"), discarded(len(bad) - 1, "noSync")])
    bad = bytearray(query)
    bad[12] ^= 0x01
    case("bad-crc-then-frame", "A payload bit flipped, then a good ack: the ack is found.",
         bytes(bad) + ack, [discarded(1, "badCRC"), discarded(len(bad) - 1, "noSync"), frame_event(ack, ack_meaning)])
    outer_body = struct.pack("<BBBHH", 1, 0, 0x10, 30, len(ack)) + ack
    hider = SYNC + outer_body + struct.pack("<I", crc32(outer_body) ^ 0x0F0F0F0F)
    case("frame-inside-corrupt-frame", "A corrupt frame whose payload is a whole ack: dropping only the first sync byte finds it.",
         hider, [discarded(1, "badCRC"), discarded(8, "noSync"), frame_event(ack, ack_meaning), discarded(4, "noSync")])
    oversized = SYNC + struct.pack("<BBBHH", 1, 0, 0x10, 1, 1025)
    case("oversized-length", "A header claiming 1025 payload bytes is corrupt: resync at once, the ack behind it is found.",
         oversized + ack, [discarded(1, "oversizedLength"), discarded(8, "noSync"), frame_event(ack, ack_meaning)])
    case("truncated", "The first 20 bytes of the query: nothing until the link goes quiet, then dropped.",
         query[:20], [], [discarded(1, "truncated"), discarded(19, "noSync")])
    case("truncated-header", "A sync pair and three header bytes.", query[:5], [],
         [discarded(1, "truncated"), discarded(4, "noSync")])
    case("trailing-sync-byte", "Noise ending in A5: the A5 waits for a possible 5A; abandoning drops it as noise (§2.4).",
         bytes.fromhex("0102a5"), [discarded(2, "noSync")], [discarded(1, "noSync")])
    case("truncated-then-trailing-sync", "20 bytes of the query, then A5: abandoning drops the partial frame's sync byte, "
         "then everything else, the last A5 included: nothing is held afterwards.",
         query[:20] + b"\xa5", [], [discarded(1, "truncated"), discarded(20, "noSync")])
    v2 = frame(0x10, payload_of(QUERY), 21, ACK_REQUESTED, version=2)
    case("version-2", "An intact frame of version 2: skipped whole (nak unsupportedVersion, sequence 21, as it asked for an ack), then an ack.",
         v2 + ack, [discarded(len(v2), "unsupportedVersion", version=2, type=0x10, sequence=21, flags=ACK_REQUESTED),
                    frame_event(ack, ack_meaning)])


def c_string(s):
    out = []
    for b in s.encode("utf-8"):
        out.append(chr(b) if 0x20 <= b < 0x7F and chr(b) not in '"\\?' else "\\%03o" % b)
    return '"' + "".join(out) + '"'


def main():
    build()
    crc_check = crc32(b"123456789")
    assert crc_check == 0xCBF43926
    document = {
        "protocol": "HallGuide device protocol",
        "version": 1,
        "generatedBy": "firmware-protocol/tools/make-vectors.py",
        "notes": ("Feed each case's bytes to a decoder in any chunking: it yields 'events'; told then that the input "
                  "has ended (abandonPartialFrame), it yields 'afterAbandon'. Adjacent noSync discards may be split "
                  "differently by a decoder: merge them before comparing. A frame event's 'message' is the decoded "
                  "message; 'messageError' the nak code its payload earns. Where 'canonical' is true, encoding the "
                  "message gives the case's bytes exactly."),
        "crc32": {"input": "123456789", "check": "%08x" % crc_check},
        "auth": {"key": AUTH_KEY.hex(), "serverNonce": SERVER_NONCE.hex(), "clientNonce": CLIENT_NONCE.hex(),
                 "deviceID": DEVICE_ID, "macInput": AUTH_MESSAGE.hex(), "proof": PROOF.hex()},
        "cases": CASES,
    }
    outputs = {os.path.join(ROOT, "vectors.json"): json.dumps(document, ensure_ascii=False, indent=1) + "\n"}

    compact = lambda v: json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    lines = ["/* Generated by tools/make-vectors.py from the same cases as vectors.json. Do not edit. */",
             "#include <stddef.h>", "#include <stdint.h>", "",
             "struct hg_vector {", "    const char *name;", "    const char *hex;",
             "    int canonical; /* 1: re-encoding the decoded message gives the same bytes */",
             "    const char *events; /* compact JSON of the events */",
             "    const char *after_abandon;", "};", "",
             "static const struct hg_vector hg_vectors[] = {"]
    for c in CASES:
        lines.append("    {%s,\n     %s,\n     %d,\n     %s,\n     %s}," % (
            c_string(c["name"]), c_string(c["hex"]), 1 if c.get("canonical") else 0,
            c_string(compact(c["events"])), c_string(compact(c["afterAbandon"]))))
    lines += ["};", "", "#define HG_VECTOR_COUNT (sizeof hg_vectors / sizeof hg_vectors[0])", "",
              "static const char hg_auth_mac_input_hex[] = %s;" % c_string(AUTH_MESSAGE.hex()),
              "static const char hg_auth_server_nonce_hex[] = %s;" % c_string(SERVER_NONCE.hex()),
              "static const char hg_auth_client_nonce_hex[] = %s;" % c_string(CLIENT_NONCE.hex()),
              "static const char hg_auth_device_id[] = %s;" % c_string(DEVICE_ID), ""]
    outputs[os.path.join(ROOT, "c", "vectors.h")] = "\n".join(lines)
    if "--check" in sys.argv[1:]:
        for path, text in outputs.items():
            with open(path, encoding="utf-8") as f:
                if f.read() != text:
                    sys.exit("%s is not what tools/make-vectors.py writes: run make vectors" % path)
        print("vectors.json and c/vectors.h are up to date (%d cases)" % len(CASES))
        return
    for path, text in outputs.items():
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    print("%d cases written to vectors.json and c/vectors.h" % len(CASES))


if __name__ == "__main__":
    main()
