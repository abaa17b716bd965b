#!/usr/bin/env python3
"""Writes vectors.json, vectors-json.json and c/vectors.h: known-answer tests for HallGuide device protocol v1.

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


MESSAGE_CASES = []  # (name, description, message, sequence, flags): the JSON form's canonical cases too


def message_case(name, description, message, sequence, flags=0):
    """A valid frame carrying `message` in canonical form: decoders must re-encode it to the same bytes."""
    data = frame(TYPES[message["type"]], payload_of(message), sequence, flags)
    case(name, description, data, [frame_event(data, message)], canonical=True)
    MESSAGE_CASES.append((name, description, message, sequence, flags))
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


# ---------------------------------------------------------------- the JSON form (JSON.md)
#
# A reference reader written from JSON.md, on Python's json module with hooks that keep what
# the rules need: every member of an object (duplicates too), numbers as their text, and no
# NaN or Infinity. The expected outcome of every JSON case is written out by hand below and
# checked against it.

FROM_DEVICE_LIMIT, FROM_HALLD_LIMIT, MAX_DEPTH = 16384, 65536, 16
MAX_STRING_BYTES, MAX_LIST_ITEMS = 512, 256
LIMITS = {"fromDevice": FROM_DEVICE_LIMIT, "fromHalld": FROM_HALLD_LIMIT}

# Each message's keys in the order of its table (PROTOCOL.md §5): (key, kind, required).
SCHEMA = {
    "hello": [("deviceID", "string", True), ("kind", KIND, True), ("firmware", "string", True),
              ("capabilities", "u32", True), ("clientNonce", ("bytes", 16), True)],
    "challenge": [("serverNonce", ("bytes", 16), True)],
    "authenticate": [("proof", ("bytes", 32), True)],
    "authResult": [("accepted", "bool", True), ("heartbeatSeconds", "u16", True), ("reason", "string", False),
                   ("code", AUTH_CODE, False)],
    "heartbeat": [("state", STATE, True), ("battery", "battery", True), ("position", "point", False)],
    "query": [("queryID", "u32", True), ("text", "string", True), ("language", "string", True),
              ("confidence", "percent", True), ("newVisitor", "bool", False)],
    "answer": [("queryID", "u32", True), ("outcome", OUTCOME, True), ("destination", "string", False),
               ("candidates", ("list", "string"), False), ("text", "string", True), ("language", "string", True),
               ("prompt", "string", True), ("route", ("list", "point"), False), ("steps", ("list", "string"), False),
               ("decimetres", "u32", False), ("seconds", "u16", False), ("lead", LEAD_OFFER, False)],
    "lead": [("leadID", "u32", True), ("destination", "string", True), ("route", ("list", "point"), False)],
    "leadProgress": [("leadID", "u32", True), ("status", LEAD_STATUS, True), ("position", "point", False)],
    "recall": [("reason", "string", False)],
    "display": [("displayID", "u32", True), ("destination", "string", False), ("title", "string", False),
                ("text", "string", False), ("route", ("list", "point"), False), ("ttlSeconds", "u16", True)],
    "notice": [("topic", TOPIC, True), ("dataVersion", "string", False)],
    "ack": [("sequence", "u16", True)],
    "nak": [("sequence", "u16", True), ("code", NAK_CODE, True), ("detail", "string", False)],
}
POINT_SCHEMA = [("node", "string", False), ("xCentimetres", "i32", False), ("yCentimetres", "i32", False),
                ("level", "string", False)]
INTEGER_RANGES = {"u8": (0, 0xFF), "u16": (0, 0xFFFF), "u32": (0, 0xFFFFFFFF), "i32": (-0x80000000, 0x7FFFFFFF),
                  "battery": (0, 0xFF), "percent": (0, 0xFF)}
assert set(SCHEMA) == set(TYPES)


class Unreadable(Exception):
    """The text is discarded, like a frame failing its CRC: nothing to nak."""


class Malformed(Exception):
    pass


class UnknownType(Exception):
    pass


class UnsupportedVersion(Exception):
    pass


MISSING = object()


class Obj:
    """A JSON object: its members in order, duplicates kept."""

    def __init__(self, pairs):
        self.pairs = pairs

    def get(self, key, error=Malformed):
        found = [v for k, v in self.pairs if k == key]
        if len(found) > 1:
            raise error(key + " twice")
        return found[0] if found else MISSING


class Num:
    """A JSON number, as its text."""

    def __init__(self, text, integral):
        self.text, self.integral = text, integral


def no_constants(name):
    raise ValueError("not JSON: " + name)


def depth_of(text):
    depth = most = 0
    in_string = escape = False
    for ch in text:
        if in_string:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            most = max(most, depth)
        elif ch in "]}":
            depth -= 1
    return most


def has_lone_surrogate(value):
    if isinstance(value, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, Obj):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in value.pairs)
    if isinstance(value, list):
        return any(has_lone_surrogate(v) for v in value)
    return False


def parse_text(text):
    if depth_of(text) > MAX_DEPTH:
        raise Unreadable("tooDeep")
    try:
        root = json.loads(text, object_pairs_hook=Obj, parse_int=lambda t: Num(t, True),
                          parse_float=lambda t: Num(t, False), parse_constant=no_constants)
    except ValueError:
        raise Unreadable("invalidJSON")
    if has_lone_surrogate(root):
        raise Unreadable("invalidJSON")
    return root


def integer(value, low, high, error=Malformed):
    if not isinstance(value, Num) or not value.integral:
        raise error("not an integer")
    if len(value.text.lstrip("-")) > 20:
        raise error("out of range")
    n = int(value.text)
    if not low <= n <= high:
        raise error("out of range")
    return n


def json_value(kind, value):
    if value is None:
        raise Malformed("null")
    if kind == "string":
        if not isinstance(value, str) or len(value.encode("utf-8")) > MAX_STRING_BYTES:
            raise Malformed("string")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise Malformed("bool")
        return value
    if isinstance(kind, str) and kind in INTEGER_RANGES:
        n = integer(value, *INTEGER_RANGES[kind])
        if (kind == "battery" and 100 < n < 255) or (kind == "percent" and n > 100):
            raise Malformed("out of range")
        return n
    if kind == "point":
        if not isinstance(value, Obj):
            raise Malformed("point")
        return json_fields(POINT_SCHEMA, value, {})
    if isinstance(kind, dict):
        if not isinstance(value, str) or value not in kind:
            raise Malformed("enumeration")
        return value
    if kind[0] == "bytes":
        if (not isinstance(value, str) or len(value) != 2 * kind[1]
                or any(c not in "0123456789abcdefABCDEF" for c in value)):
            raise Malformed("bytes")
        return value.lower()
    if kind[0] == "list":
        if not isinstance(value, list) or len(value) > MAX_LIST_ITEMS:
            raise Malformed("list")
        return [json_value(kind[1], item) for item in value]
    raise ValueError(kind)


def json_default(kind):
    if kind == "string":
        return ""
    if kind == "bool":
        return False
    if kind == "point":
        return pos("", 0, 0, "")
    if isinstance(kind, dict):
        return next(name for name, number in kind.items() if number == 0)
    if isinstance(kind, tuple) and kind[0] == "list":
        return []
    return 0


def json_fields(schema, obj, out):
    for key, kind, required in schema:
        value = obj.get(key)
        if value is MISSING:
            if required:
                raise Malformed(key + " missing")
            out[key] = json_default(kind)
        else:
            out[key] = json_value(kind, value)
    return out


def read_json(text, direction):
    """What a receiver makes of one text (JSON.md §5): a frame, a frame it naks, or nothing."""
    if len(text.encode("utf-8")) > LIMITS[direction]:
        return {"unreadable": "tooLarge"}
    try:
        root = parse_text(text)
        if not isinstance(root, Obj):
            raise Unreadable("envelope")
    except Unreadable as e:
        return {"unreadable": str(e)}
    try:
        seq = root.get("seq", Unreadable)
        if seq is MISSING:
            raise Unreadable("seq missing")
        seq = integer(seq, 0, 0xFFFF, Unreadable)
        ack = root.get("ackRequested", Unreadable)
        ack = False if ack is MISSING else ack
        if not isinstance(ack, bool):
            raise Unreadable("ackRequested")
    except Unreadable:
        return {"unreadable": "envelope"}
    outcome = {"sequence": seq}
    try:
        retransmit = root.get("retransmit")
        retransmit = False if retransmit is MISSING else retransmit
        if not isinstance(retransmit, bool):
            raise Malformed("retransmit")
        outcome["flags"] = (ACK_REQUESTED if ack else 0) | (RETRANSMIT if retransmit else 0)
        version = root.get("version")
        if version is not MISSING and integer(version, 0, 0xFF) != 1:
            raise UnsupportedVersion()
        body = root.get("message")
        if not isinstance(body, Obj):
            raise Malformed("message")
        type_ = body.get("type")
        if not isinstance(type_, str):
            raise Malformed("type")
        if type_ not in SCHEMA:
            raise UnknownType()
        message = json_fields(SCHEMA[type_], body, {"type": type_})
    except Malformed:
        outcome.setdefault("flags", ACK_REQUESTED if ack else 0)
        outcome["error"] = "malformedPayload"
        return outcome
    except UnknownType:
        outcome["error"] = "unknownType"
        return outcome
    except UnsupportedVersion:
        outcome["error"] = "unsupportedVersion"
        return outcome
    outcome.update(type=TYPES[type_], payload=payload_of(message).hex(), message=message)
    return outcome


def canonical_message(message):
    """The message with its keys in table order (points too): what halld writes."""
    out = {"type": message["type"]}
    for key, kind, _ in SCHEMA[message["type"]]:
        value = message[key]
        if kind == "point":
            value = {k: value[k] for k, _, _ in POINT_SCHEMA}
        elif kind == ("list", "point"):
            value = [{k: p[k] for k, _, _ in POINT_SCHEMA} for p in value]
        out[key] = value
    return out


def compact_json(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def envelope(message, sequence, flags=0):
    """halld's text of a frame: seq, ackRequested, retransmit, message; compact; UTF-8 unescaped."""
    return compact_json({"seq": sequence, "ackRequested": bool(flags & ACK_REQUESTED),
                         "retransmit": bool(flags & RETRANSMIT), "message": canonical_message(message)})


JSON_CASES = []


def direction_of(message_type):
    devices = ("hello", "authenticate", "heartbeat", "query", "leadProgress", "ack", "nak")
    return "fromDevice" if message_type in devices else "fromHalld"


def json_case(name, description, text, expect, direction="fromDevice", canonical=None):
    c = {"name": name, "description": description, "direction": direction, "text": text}
    if "\ufeff" in text:
        # Some JSON libraries drop a leading U+FEFF from the strings they read: the bytes, to be sure.
        c["utf8"] = text.encode("utf-8").hex()
    if canonical is not None:
        c["canonical"] = canonical
    c["expect"] = expect
    got = read_json(text, direction)
    assert got == expect, (name, expect, got)
    if canonical:
        assert text == envelope(expect["message"], expect["sequence"], expect["flags"]), name
    assert name not in {x["name"] for x in JSON_CASES}, name
    JSON_CASES.append(c)


def frame_of(message, sequence, flags=0):
    message = canonical_message(message)
    return {"sequence": sequence, "flags": flags, "type": TYPES[message["type"]], "payload": payload_of(message).hex(),
            "message": message}


def refused(sequence, flags, error):
    return {"sequence": sequence, "flags": flags, "error": error}


def unreadable(reason):
    return {"unreadable": reason}


def query_text(fields, seq=4, ack="true", extra=""):
    """A query envelope written out by hand, with `fields` as the message's members after its type."""
    return '{"seq":%d,"ackRequested":%s%s,"message":{"type":"query",%s}}' % (seq, ack, extra, fields)


Q = '"queryID":7,"text":"护照在哪里办","language":"zh","confidence":92'


def build_json():
    # Every message of the binary vectors, in halld's canonical text: they are the same frames.
    for name, description, message, sequence, flags in MESSAGE_CASES:
        if name == "reserved-flags":  # the JSON form has no reserved bits
            continue
        json_case(name, description, envelope(message, sequence, flags), frame_of(message, sequence, flags),
                  direction_of(message["type"]), canonical=True)

    # Readers accept what halld does not write: any order, spacing, escapes, omitted defaults, unknown keys.
    json_case("pretty-printed", "The query, pretty-printed, keys in another order, envelope flags omitted but one.",
              '{\n  "message": {\n    "confidence": 92,\n    "language": "zh",\n    "text": "护照在哪里办",\n'
              '    "queryID": 7,\n    "type": "query"\n  },\n  "ackRequested": true,\n  "seq": 4\n}\n',
              frame_of(QUERY, 4, ACK_REQUESTED))
    json_case("flags-omitted", "ackRequested and retransmit omitted: both false.",
              '{"seq":0,"message":{"type":"ack","sequence":4}}', frame_of({"type": "ack", "sequence": 4}, 0))
    json_case("version-1-given", "An explicit envelope version 1.",
              '{"version":1,"seq":0,"message":{"type":"ack","sequence":4}}', frame_of({"type": "ack", "sequence": 4}, 0))
    json_case("escapes", "Text written with \\u escapes (a surrogate pair for U+1F642) and an escaped slash.",
              query_text(r'"queryID":7,"text":"\u62a4\u7167\ud83d\ude42\/\n\"","language":"zh","confidence":92'),
              frame_of(dict(QUERY, text="护照🙂/\n\""), 4, ACK_REQUESTED))
    json_case("unknown-keys", "Unknown keys in the envelope, the message and a point, of every JSON type: ignored.",
              '{"seq":5,"ackRequested":true,"trace":{"id":[1,2,{"x":null}]},"message":{"type":"leadProgress",'
              '"leadID":3,"status":"arrived","future":[true,false,null,1e400,-0.5,"s"],'
              '"position":{"node":"n-atrium","floor":2,"xCentimetres":1200,"yCentimetres":1800,"level":"L1"}}}',
              frame_of({"type": "leadProgress", "leadID": 3, "status": "arrived",
                        "position": pos("n-atrium", 1200, 1800, "L1")}, 5, ACK_REQUESTED))
    json_case("unknown-key-twice", "An unknown key twice: ignored, as an unknown tag is however often it appears.",
              query_text(Q + ',"x":1,"x":2'), frame_of(QUERY, 4, ACK_REQUESTED))
    json_case("optional-fields-omitted", "An answer with only its required keys: the rest take their defaults.",
              '{"seq":13,"ackRequested":true,"message":{"type":"answer","queryID":10,"outcome":"fallback",'
              '"text":"请到咨询台。","language":"zh","prompt":"fallback"}}',
              frame_of({"type": "answer", "queryID": 10, "outcome": "fallback", "destination": "", "candidates": [],
                        "text": "请到咨询台。", "language": "zh", "prompt": "fallback", "route": [], "steps": [],
                        "decimetres": 0, "seconds": 0, "lead": "notApplicable"}, 13, ACK_REQUESTED), "fromHalld")
    json_case("revision-1.0-fields", "An authResult without code, as a 1.0 sender: code none.",
              '{"seq":2,"message":{"type":"authResult","accepted":false,"heartbeatSeconds":0,"reason":"refused"}}',
              frame_of({"type": "authResult", "accepted": False, "heartbeatSeconds": 0, "reason": "refused",
                        "code": "none"}, 2), "fromHalld")
    json_case("query-without-new-visitor", "A query without newVisitor: false.",
              query_text(Q), frame_of(QUERY, 4, ACK_REQUESTED))
    json_case("empty-recall", "A recall with no keys but its type.", '{"seq":14,"ackRequested":true,"message":{"type":"recall"}}',
              frame_of({"type": "recall", "reason": ""}, 14, ACK_REQUESTED), "fromHalld")
    json_case("partial-point", "A position with only its node, and empty lists written out.",
              '{"seq":15,"ackRequested":true,"message":{"type":"heartbeat","state":"leading","battery":40,'
              '"position":{"node":"n-atrium"}}}',
              frame_of({"type": "heartbeat", "state": "leading", "battery": 40, "position": pos("n-atrium", 0, 0, "")}, 15,
                       ACK_REQUESTED))
    json_case("uppercase-hex", "Bytes in uppercase hex: accepted (halld writes lowercase).",
              '{"seq":1,"message":{"type":"challenge","serverNonce":"A0A1A2A3A4A5A6A7A8A9AAABACADAEAF"}}',
              frame_of({"type": "challenge", "serverNonce": SERVER_NONCE.hex()}, 1), "fromHalld")
    json_case("integer-limits", "The largest u32 and the smallest i32, and -0.",
              '{"seq":65535,"ackRequested":true,"message":{"type":"lead","leadID":4294967295,"destination":"d",'
              '"route":[{"xCentimetres":-2147483648,"yCentimetres":2147483647},{"xCentimetres":-0}]}}',
              frame_of({"type": "lead", "leadID": 0xFFFFFFFF, "destination": "d",
                        "route": [pos("", -0x80000000, 0x7FFFFFFF, ""), pos("", 0, 0, "")]}, 65535, ACK_REQUESTED),
              "fromHalld")
    longest = "办" * 170 + "ab"
    assert len(longest.encode("utf-8")) == 512
    json_case("string-512-bytes", "A text of exactly 512 UTF-8 bytes: the limit.",
              query_text('"queryID":7,"text":"%s","language":"zh","confidence":92' % longest),
              frame_of(dict(QUERY, text=longest), 4, ACK_REQUESTED))
    depth16 = "[" * 14 + "]" * 14
    json_case("depth-16", "An unknown value nested 14 deep inside the message: 16 levels in all, the limit.",
              query_text(Q + ',"x":' + depth16), frame_of(QUERY, 4, ACK_REQUESTED))
    body = query_text(Q)
    padded = body[:-1] + " " * (FROM_DEVICE_LIMIT - len(body.encode("utf-8"))) + "}"
    assert len(padded.encode("utf-8")) == FROM_DEVICE_LIMIT
    json_case("size-16-kib", "A text of exactly 16384 bytes from a device (spaces before the last brace): the limit.",
              padded, frame_of(QUERY, 4, ACK_REQUESTED))
    long_route = [pos("n-corridor-%03d" % i, 100 * i, -100 * i, "L1") for i in range(48)]
    long_answer = dict(ANSWER_ROUTE, queryID=11, route=long_route)
    assert len(payload_of(long_answer)) > MAX_PAYLOAD
    json_case("long-answer", "An answer with 48 route points, over the binary payload's 1024 bytes: the JSON form "
              "has only its text limit (64 KiB from halld). (Its binary payload is given, though no frame can carry it.)",
              envelope(long_answer, 16, ACK_REQUESTED), frame_of(long_answer, 16, ACK_REQUESTED), "fromHalld",
              canonical=True)

    # Refused messages: a readable envelope, so the receiver naks them if they asked for an ack.
    bad = [
        ("missing-field", "A query without its text.", '"queryID":7,"language":"zh","confidence":92'),
        ("wrong-type-string", "confidence as a string.", '"queryID":7,"text":"a","language":"zh","confidence":"92"'),
        ("wrong-type-number", "text as a number.", '"queryID":7,"text":5,"language":"zh","confidence":92'),
        ("null-value", "language null: null is no value of any field.", '"queryID":7,"text":"a","language":null,"confidence":92'),
        ("fraction", "confidence 92.0: integers have no fraction.", '"queryID":7,"text":"a","language":"zh","confidence":92.0'),
        ("exponent", "confidence 9.2e1: nor an exponent.", '"queryID":7,"text":"a","language":"zh","confidence":9.2e1'),
        ("out-of-range", "confidence 101.", '"queryID":7,"text":"a","language":"zh","confidence":101'),
        ("negative", "queryID -1.", '"queryID":-1,"text":"a","language":"zh","confidence":92'),
        ("u32-overflow", "queryID 4294967296.", '"queryID":4294967296,"text":"a","language":"zh","confidence":92'),
        ("huge-number", "queryID of 40 digits.", '"queryID":%s,"text":"a","language":"zh","confidence":92' % ("9" * 40)),
        ("huge-exponent", "queryID 1e999999.", '"queryID":1e999999,"text":"a","language":"zh","confidence":92'),
        ("bool-as-number", "newVisitor 1: a bool is true or false.", Q + ',"newVisitor":1'),
        ("string-too-long", "A text of 513 UTF-8 bytes.", '"queryID":7,"text":"%s","language":"zh","confidence":92' % ("办" * 171)),
        ("duplicate-key", "text twice: a known key appears at most once.", '"queryID":7,"text":"a","text":"b","language":"zh","confidence":92'),
        ("type-twice", "The type twice.", '"type":"query",' + Q),
    ]
    for sequence, (name, description, fields) in enumerate(bad, start=20):
        json_case("malformed-" + name, description + " Nak malformedPayload.", query_text(fields, sequence),
                  refused(sequence, ACK_REQUESTED, "malformedPayload"))
    other = [
        ("undefined-name", "A heartbeat state \"flying\".", '{"type":"heartbeat","state":"flying","battery":50}'),
        ("name-case", "A heartbeat state \"Idle\": names are case-sensitive.", '{"type":"heartbeat","state":"Idle","battery":50}'),
        ("enum-as-number", "A heartbeat state 0: enumerations go by name.", '{"type":"heartbeat","state":0,"battery":50}'),
        ("battery", "Battery 101.", '{"type":"heartbeat","state":"idle","battery":101}'),
        ("u8-overflow", "Battery 256.", '{"type":"heartbeat","state":"idle","battery":256}'),
        ("point-not-object", "A position that is an array.", '{"type":"heartbeat","state":"idle","battery":50,"position":[1,2]}'),
        ("point-field", "A position whose x is a string.", '{"type":"heartbeat","state":"idle","battery":50,"position":{"xCentimetres":"1"}}'),
        ("i32-overflow", "A position x of 2147483648.", '{"type":"heartbeat","state":"idle","battery":50,"position":{"xCentimetres":2147483648}}'),
        ("point-duplicate", "A position with its node twice.", '{"type":"heartbeat","state":"idle","battery":50,"position":{"node":"a","node":"b"}}'),
        ("short-nonce", "A hello nonce of 15 bytes.", '{"type":"hello","deviceID":"r","kind":"robot","firmware":"1","capabilities":0,"clientNonce":"%s"}' % ("00" * 15)),
        ("odd-hex", "A hello nonce of 31 hex digits.", '{"type":"hello","deviceID":"r","kind":"robot","firmware":"1","capabilities":0,"clientNonce":"%s"}' % ("0" * 31)),
        ("bad-hex", "A hello nonce with \"zz\" in it.", '{"type":"hello","deviceID":"r","kind":"robot","firmware":"1","capabilities":0,"clientNonce":"zz%s"}' % ("00" * 15)),
        ("hex-as-array", "A proof given as an array of numbers.", '{"type":"authenticate","proof":[%s]}' % ",".join(["1"] * 32)),
        ("list-not-array", "A lead route that is an object.", '{"type":"lead","leadID":1,"destination":"d","route":{"node":"a"}}'),
        ("list-item", "A lead route item that is a string.", '{"type":"lead","leadID":1,"destination":"d","route":["a"]}'),
        ("list-too-long", "A lead of 257 route points.", '{"type":"lead","leadID":1,"destination":"d","route":[%s]}' % ",".join(["{}"] * 257)),
        ("candidates-item", "An answer candidate that is a number.", '{"type":"answer","queryID":1,"outcome":"clarify","candidates":[1],"text":"t","language":"zh","prompt":"clarify"}'),
        ("auth-code", "An authResult code \"sorry\".", '{"type":"authResult","accepted":false,"heartbeatSeconds":0,"code":"sorry"}'),
        ("nak-code-none", "A nak code \"none\": only authResult has it.", '{"type":"nak","sequence":4,"code":"none"}'),
        ("notice-topic", "A notice topic \"weather\".", '{"type":"notice","topic":"weather"}'),
        ("type-missing", "A message without its type.", '{"sequence":4}'),
        ("type-not-string", "A message type 126.", '{"type":126,"sequence":4}'),
        ("message-not-object", "A message that is an array.", '[{"type":"ack","sequence":4}]'),
    ]
    for sequence, (name, description, body) in enumerate(other, start=40):
        json_case("malformed-" + name, description + " Nak malformedPayload.",
                  '{"seq":%d,"ackRequested":true,"message":%s}' % (sequence, body),
                  refused(sequence, ACK_REQUESTED, "malformedPayload"))
    json_case("malformed-message-missing", "An envelope without message. Nak malformedPayload.",
              '{"seq":70,"ackRequested":true}', refused(70, ACK_REQUESTED, "malformedPayload"))
    json_case("malformed-retransmit", "retransmit \"yes\". Nak malformedPayload.",
              query_text(Q, 71, extra=',"retransmit":"yes"'), refused(71, ACK_REQUESTED, "malformedPayload"))
    json_case("malformed-version", "An envelope version \"1\", a string. Nak malformedPayload.",
              query_text(Q, 72, extra=',"version":"1"'), refused(72, ACK_REQUESTED, "malformedPayload"))
    json_case("malformed-without-ack", "A malformed message that did not ask for an ack: not acted on, no nak.",
              query_text('"queryID":7', 73, "false"), refused(73, 0, "malformedPayload"))
    json_case("unknown-type", "A message type \"teleport\", not in v1. Nak unknownType.",
              '{"seq":74,"ackRequested":true,"message":{"type":"teleport","to":"mars"}}', refused(74, ACK_REQUESTED, "unknownType"))
    json_case("unknown-type-long-name", "A type name of 600 bytes: the type is no field, so no string limit: nak unknownType.",
              '{"seq":76,"ackRequested":true,"message":{"type":"%s"}}' % ("x" * 600), refused(76, ACK_REQUESTED, "unknownType"))
    json_case("unsupported-version", "An envelope of version 2: not read further. Nak unsupportedVersion.",
              '{"version":2,"seq":75,"ackRequested":true,"message":{"type":"query","whatever":true}}',
              refused(75, ACK_REQUESTED, "unsupportedVersion"))

    # Unreadable texts: dropped without a word, as a frame with a bad CRC is.
    unreadables = [
        ("not-json", "Plain text.", "hello", "invalidJSON"),
        ("cut-short", "A text that ends mid-object.", '{"seq":4,"message":{"type":"ack"', "invalidJSON"),
        ("trailing-comma", "A trailing comma.", '{"seq":0,"message":{"type":"ack","sequence":4},}', "invalidJSON"),
        ("trailing-garbage", "A second value after the object.", '{"seq":0,"message":{"type":"ack","sequence":4}} {}', "invalidJSON"),
        ("single-quotes", "Single quotes.", "{'seq':0}", "invalidJSON"),
        ("nan", "NaN, which JSON does not have.", '{"seq":0,"x":NaN,"message":{"type":"ack","sequence":4}}', "invalidJSON"),
        ("leading-zero", "A number with a leading zero.", '{"seq":04,"message":{"type":"ack","sequence":4}}', "invalidJSON"),
        ("control-character", "A raw newline inside a string.", '{"seq":0,"message":{"type":"recall","reason":"a\nb"}}', "invalidJSON"),
        ("bad-escape", "The escape \\x.", r'{"seq":0,"message":{"type":"recall","reason":"\x41"}}', "invalidJSON"),
        ("lone-surrogate", "A lone surrogate escape, which no UTF-8 can carry.", r'{"seq":9,"ackRequested":true,"message":{"type":"recall","reason":"\ud800"}}', "invalidJSON"),
        ("bom", "A byte order mark before the object.", '\ufeff{"seq":0,"message":{"type":"ack","sequence":4}}', "invalidJSON"),
        ("empty", "An empty text.", "", "invalidJSON"),
        ("too-deep", "An unknown value nested 15 deep inside the message: 17 levels.",
         query_text(Q + ',"x":' + "[" * 15 + "]" * 15), "tooDeep"),
        ("nesting-flood", "5000 opening brackets: refused at the 17th, in bounded work.",
         '{"seq":0,"message":{"type":"ack","sequence":4,"x":' + "[" * 5000, "tooDeep"),
        ("too-large", "16385 bytes from a device.", padded[:-1] + " }", "tooLarge"),
        ("not-an-object", "A top-level array.", '[{"seq":0}]', "envelope"),
        ("top-level-string", "A top-level string.", '"seq"', "envelope"),
        ("seq-missing", "No seq.", '{"ackRequested":true,"message":{"type":"ack","sequence":4}}', "envelope"),
        ("seq-string", "seq \"4\".", '{"seq":"4","ackRequested":true,"message":{"type":"recall"}}', "envelope"),
        ("seq-negative", "seq -1.", '{"seq":-1,"ackRequested":true,"message":{"type":"recall"}}', "envelope"),
        ("seq-overflow", "seq 65536.", '{"seq":65536,"ackRequested":true,"message":{"type":"recall"}}', "envelope"),
        ("seq-fraction", "seq 4.0.", '{"seq":4.0,"ackRequested":true,"message":{"type":"recall"}}', "envelope"),
        ("seq-twice", "seq twice.", '{"seq":4,"seq":5,"ackRequested":true,"message":{"type":"recall"}}', "envelope"),
        ("ack-requested-number", "ackRequested 1.", '{"seq":4,"ackRequested":1,"message":{"type":"recall"}}', "envelope"),
        ("ack-requested-null", "ackRequested null.", '{"seq":4,"ackRequested":null,"message":{"type":"recall"}}', "envelope"),
    ]
    for name, description, text_, reason in unreadables:
        json_case(name, description + " Unreadable (%s): dropped, no nak." % reason, text_, unreadable(reason))


def c_string(s):
    out = []
    for b in s.encode("utf-8"):
        out.append(chr(b) if 0x20 <= b < 0x7F and chr(b) not in '"\\?' else "\\%03o" % b)
    return '"' + "".join(out) + '"'


def check_documented_examples():
    """Every ```json block of JSON.md (and PROTOCOL.md's) that is an envelope is read as a frame, not refused."""
    count = 0
    for doc in ("JSON.md", "PROTOCOL.md"):
        path = os.path.join(ROOT, doc)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            blocks = f.read().split("```json\n")[1:]
        for block in blocks:
            text = block.split("```")[0]
            got = read_json(text, "fromHalld")
            assert "message" in got, (doc, text, got)
            count += 1
    return count


def main():
    build()
    build_json()
    examples = check_documented_examples()
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
    json_document = {
        "protocol": "HallGuide device protocol, JSON form (JSON.md)",
        "version": 1,
        "revision": "1.1",
        "generatedBy": "firmware-protocol/tools/make-vectors.py",
        "notes": ("Read each case's text as a receiver on the given side would (JSON.md §5), with that side's limit. "
                  "'expect' is one of: a frame (sequence, flags as the binary header's byte, type as its number, "
                  "payload as the hex of the binary payload of the same message in canonical form, and the message, "
                  "all its fields written out); a readable envelope whose message is refused (sequence, flags, and "
                  "'error', the nak code it earns when flags has ACK_REQUESTED); or 'unreadable', a text dropped "
                  "without a reply, with the reason (tooLarge, invalidJSON, tooDeep, envelope). Where 'canonical' is "
                  "true, encoding the frame as halld does gives the text exactly."),
        "limits": {"fromDevice": FROM_DEVICE_LIMIT, "fromHalld": FROM_HALLD_LIMIT, "maxDepth": MAX_DEPTH,
                   "maxStringBytes": MAX_STRING_BYTES, "maxListItems": MAX_LIST_ITEMS},
        "cases": JSON_CASES,
    }
    outputs[os.path.join(ROOT, "vectors-json.json")] = json.dumps(json_document, ensure_ascii=False, indent=1) + "\n"

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
        print("vectors.json, vectors-json.json and c/vectors.h are up to date (%d cases, %d JSON cases, "
              "%d documented JSON examples read)" % (len(CASES), len(JSON_CASES), examples))
        return
    for path, text in outputs.items():
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    print("%d cases written to vectors.json and c/vectors.h, %d to vectors-json.json (%d documented JSON examples read)"
          % (len(CASES), len(JSON_CASES), examples))


if __name__ == "__main__":
    main()
