/* Checks the reference codec against vectors.h (generated with vectors.json by
 * tools/make-vectors.py): every case fed whole, byte by byte and in 7-byte pieces must give
 * the expected events, rendered as the same compact JSON; canonical cases must re-encode to
 * their bytes. Then a garbage flood and a random-input smoke run for the sanitizers. */
#include "hallguide_proto.h"
#include "vectors.h"

#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...)                                  \
    do {                                                  \
        if (!(cond)) {                                    \
            failures++;                                   \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                 \
            fputc('\n', stderr);                          \
        }                                                 \
    } while (0)

/* ---------------------------------------------------------------- a tiny JSON writer */

struct out {
    char text[16384];
    size_t len;
};

static void put(struct out *o, const char *s) {
    size_t n = strlen(s);
    if (o->len + n < sizeof o->text) {
        memcpy(o->text + o->len, s, n);
        o->len += n;
        o->text[o->len] = 0;
    }
}

static void putf_u(struct out *o, const char *key, unsigned long value, int comma) {
    char buf[80];
    sprintf(buf, "%s\"%s\":%lu", comma ? "," : "", key, value);
    put(o, buf);
}

static void put_hex(struct out *o, const uint8_t *data, size_t len) {
    static const char digits[] = "0123456789abcdef";
    size_t i;
    char pair[3] = {0, 0, 0};
    put(o, "\"");
    for (i = 0; i < len; i++) {
        pair[0] = digits[data[i] >> 4];
        pair[1] = digits[data[i] & 15];
        put(o, pair);
    }
    put(o, "\"");
}

/* As Python's json.dumps(ensure_ascii=False) writes strings. */
static void put_str(struct out *o, struct hg_str s) {
    size_t i;
    char buf[8];
    put(o, "\"");
    for (i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c == '"') put(o, "\\\"");
        else if (c == '\\') put(o, "\\\\");
        else if (c == '\n') put(o, "\\n");
        else if (c == '\r') put(o, "\\r");
        else if (c == '\t') put(o, "\\t");
        else if (c == '\b') put(o, "\\b");
        else if (c == '\f') put(o, "\\f");
        else if (c < 0x20) {
            sprintf(buf, "\\u%04x", c);
            put(o, buf);
        } else {
            buf[0] = (char)c;
            buf[1] = 0;
            put(o, buf);
        }
    }
    put(o, "\"");
}

static void put_key_str(struct out *o, const char *key, struct hg_str s) {
    put(o, ",\"");
    put(o, key);
    put(o, "\":");
    put_str(o, s);
}

static void put_key_name(struct out *o, const char *key, const char *name) {
    put(o, ",\"");
    put(o, key);
    put(o, "\":\"");
    put(o, name);
    put(o, "\"");
}

static void put_point(struct out *o, const struct hg_point *p) {
    char buf[96];
    put(o, "{\"node\":");
    put_str(o, p->node);
    sprintf(buf, ",\"xCentimetres\":%ld,\"yCentimetres\":%ld", (long)p->x_cm, (long)p->y_cm);
    put(o, buf);
    put_key_str(o, "level", p->level);
    put(o, "}");
}

static void put_route(struct out *o, const char *key, const struct hg_point *route, uint16_t count) {
    uint16_t i;
    put(o, ",\"");
    put(o, key);
    put(o, "\":[");
    for (i = 0; i < count; i++) {
        if (i) put(o, ",");
        put_point(o, &route[i]);
    }
    put(o, "]");
}

static void put_strings(struct out *o, const char *key, const struct hg_str *items, uint16_t count) {
    uint16_t i;
    put(o, ",\"");
    put(o, key);
    put(o, "\":[");
    for (i = 0; i < count; i++) {
        if (i) put(o, ",");
        put_str(o, items[i]);
    }
    put(o, "]");
}

static const char *kinds[] = {"?", "robot", "screen"};
static const char *states[] = {"idle", "leading", "returning", "charging", "fault"};
static const char *outcomes[] = {"?", "route", "clarify", "fallback"};
static const char *offers[] = {"notApplicable", "willLead", "busy", "unavailable"};
static const char *statuses[] = {"?", "accepted", "arrived", "aborted", "blocked", "returning", "docked"};
static const char *topics[] = {"?", "hall", "fleet", "live"};
static const char *nak_codes[] = {"none", "unknownType", "malformedPayload", "notAuthenticated", "rateLimited", "busy",
                                  "unsupportedVersion", "tooLarge", "authenticationFailed", "unknownDevice",
                                  "internalError"};

/* The message's meaning, keys in the vectors' order (type, then the tag table's). */
static void put_message(struct out *o, const struct hg_message *m) {
    switch (m->type) {
    case HG_HELLO:
        put(o, "{\"type\":\"hello\"");
        put_key_str(o, "deviceID", m->u.hello.device_id);
        put_key_name(o, "kind", kinds[m->u.hello.kind]);
        put_key_str(o, "firmware", m->u.hello.firmware);
        putf_u(o, "capabilities", m->u.hello.capabilities, 1);
        put(o, ",\"clientNonce\":");
        put_hex(o, m->u.hello.client_nonce, HG_NONCE_SIZE);
        break;
    case HG_CHALLENGE:
        put(o, "{\"type\":\"challenge\",\"serverNonce\":");
        put_hex(o, m->u.challenge.server_nonce, HG_NONCE_SIZE);
        break;
    case HG_AUTHENTICATE:
        put(o, "{\"type\":\"authenticate\",\"proof\":");
        put_hex(o, m->u.authenticate.proof, HG_PROOF_SIZE);
        break;
    case HG_AUTH_RESULT:
        put(o, "{\"type\":\"authResult\",\"accepted\":");
        put(o, m->u.auth_result.accepted ? "true" : "false");
        putf_u(o, "heartbeatSeconds", m->u.auth_result.heartbeat_seconds, 1);
        put_key_str(o, "reason", m->u.auth_result.reason);
        put_key_name(o, "code", nak_codes[m->u.auth_result.code]);
        break;
    case HG_HEARTBEAT:
        put(o, "{\"type\":\"heartbeat\"");
        put_key_name(o, "state", states[m->u.heartbeat.state]);
        putf_u(o, "battery", m->u.heartbeat.battery, 1);
        put(o, ",\"position\":");
        put_point(o, &m->u.heartbeat.position);
        break;
    case HG_QUERY:
        put(o, "{\"type\":\"query\"");
        putf_u(o, "queryID", m->u.query.query_id, 1);
        put_key_str(o, "text", m->u.query.text);
        put_key_str(o, "language", m->u.query.language);
        putf_u(o, "confidence", m->u.query.confidence, 1);
        put(o, m->u.query.new_visitor ? ",\"newVisitor\":true" : ",\"newVisitor\":false");
        break;
    case HG_ANSWER: {
        const struct hg_answer *a = &m->u.answer;
        put(o, "{\"type\":\"answer\"");
        putf_u(o, "queryID", a->query_id, 1);
        put_key_name(o, "outcome", outcomes[a->outcome]);
        put_key_str(o, "destination", a->destination);
        put_strings(o, "candidates", a->candidates, a->candidate_count);
        put_key_str(o, "text", a->text);
        put_key_str(o, "language", a->language);
        put_key_str(o, "prompt", a->prompt);
        put_route(o, "route", a->route, a->route_count);
        put_strings(o, "steps", a->steps, a->step_count);
        putf_u(o, "decimetres", a->decimetres, 1);
        putf_u(o, "seconds", a->seconds, 1);
        put_key_name(o, "lead", offers[a->lead]);
        break;
    }
    case HG_LEAD:
        put(o, "{\"type\":\"lead\"");
        putf_u(o, "leadID", m->u.lead.lead_id, 1);
        put_key_str(o, "destination", m->u.lead.destination);
        put_route(o, "route", m->u.lead.route, m->u.lead.route_count);
        break;
    case HG_LEAD_PROGRESS:
        put(o, "{\"type\":\"leadProgress\"");
        putf_u(o, "leadID", m->u.lead_progress.lead_id, 1);
        put_key_name(o, "status", statuses[m->u.lead_progress.status]);
        put(o, ",\"position\":");
        put_point(o, &m->u.lead_progress.position);
        break;
    case HG_RECALL:
        put(o, "{\"type\":\"recall\"");
        put_key_str(o, "reason", m->u.recall.reason);
        break;
    case HG_DISPLAY:
        put(o, "{\"type\":\"display\"");
        putf_u(o, "displayID", m->u.display.display_id, 1);
        put_key_str(o, "destination", m->u.display.destination);
        put_key_str(o, "title", m->u.display.title);
        put_key_str(o, "text", m->u.display.text);
        put_route(o, "route", m->u.display.route, m->u.display.route_count);
        putf_u(o, "ttlSeconds", m->u.display.ttl_seconds, 1);
        break;
    case HG_NOTICE:
        put(o, "{\"type\":\"notice\"");
        put_key_name(o, "topic", topics[m->u.notice.topic]);
        put_key_str(o, "dataVersion", m->u.notice.data_version);
        break;
    case HG_ACK:
        put(o, "{\"type\":\"ack\"");
        putf_u(o, "sequence", m->u.ack.sequence, 1);
        break;
    case HG_NAK:
        put(o, "{\"type\":\"nak\"");
        putf_u(o, "sequence", m->u.nak.sequence, 1);
        put_key_name(o, "code", nak_codes[m->u.nak.code]);
        put_key_str(o, "detail", m->u.nak.detail);
        break;
    default:
        put(o, "{\"type\":\"?\"");
    }
    put(o, "}");
}

static const char *reason_name(enum hg_discard_reason reason) {
    switch (reason) {
    case HG_DISCARD_NO_SYNC: return "noSync";
    case HG_DISCARD_OVERSIZED_LENGTH: return "oversizedLength";
    case HG_DISCARD_BAD_CRC: return "badCRC";
    case HG_DISCARD_UNSUPPORTED_VERSION: return "unsupportedVersion";
    case HG_DISCARD_TRUNCATED: return "truncated";
    }
    return "?";
}

/* Renders events as a JSON list, merging adjacent noSync discards (decoders may split them). */
struct events {
    struct out out;
    size_t count;
    size_t nosync_start; /* where the last event began, if it was noSync */
    size_t nosync_bytes;
};

static void events_begin(struct events *e) {
    e->out.len = 0;
    e->count = 0;
    e->nosync_bytes = 0;
    put(&e->out, "[");
}

static void events_add(struct events *e, const struct hg_event *ev) {
    if (ev->kind == HG_EVENT_DISCARDED && ev->reason == HG_DISCARD_NO_SYNC && e->nosync_bytes > 0) {
        e->out.len = e->nosync_start; /* rewrite the previous noSync with the sum */
        e->count--;
        e->nosync_bytes += ev->discarded;
    } else {
        e->nosync_bytes = ev->kind == HG_EVENT_DISCARDED && ev->reason == HG_DISCARD_NO_SYNC ? ev->discarded : 0;
    }
    if (e->count++) put(&e->out, ",");
    e->nosync_start = e->out.len - (e->count > 1 ? 1 : 0);
    if (ev->kind == HG_EVENT_FRAME) {
        struct hg_message m;
        enum hg_error error;
        put(&e->out, "{\"frame\":{");
        putf_u(&e->out, "version", ev->version, 0);
        putf_u(&e->out, "flags", ev->flags, 1);
        putf_u(&e->out, "type", ev->type, 1);
        putf_u(&e->out, "sequence", ev->sequence, 1);
        put(&e->out, ",\"payload\":");
        put_hex(&e->out, ev->payload, ev->payload_len);
        put(&e->out, "}");
        error = hg_message_decode(ev->type, ev->payload, ev->payload_len, &m);
        if (error == HG_OK) {
            put(&e->out, ",\"message\":");
            put_message(&e->out, &m);
        } else {
            put(&e->out, ",\"messageError\":\"");
            put(&e->out, error == HG_ERR_UNKNOWN_TYPE ? "unknownType" : error == HG_ERR_MALFORMED ? "malformedPayload" : "capacity");
            put(&e->out, "\"");
        }
        put(&e->out, "}");
    } else {
        put(&e->out, "{\"discarded\":{");
        putf_u(&e->out, "bytes", (unsigned long)(ev->reason == HG_DISCARD_NO_SYNC ? e->nosync_bytes : ev->discarded), 0);
        put_key_name(&e->out, "reason", reason_name(ev->reason));
        if (ev->reason == HG_DISCARD_UNSUPPORTED_VERSION) {
            putf_u(&e->out, "version", ev->version, 1);
            putf_u(&e->out, "type", ev->type, 1);
            putf_u(&e->out, "sequence", ev->sequence, 1);
            putf_u(&e->out, "flags", ev->flags, 1);
        }
        put(&e->out, "}}");
    }
}

static void events_end(struct events *e) { put(&e->out, "]"); }

/* ---------------------------------------------------------------- the checks */

static size_t from_hex(const char *hex, uint8_t *out, size_t cap) {
    size_t n = 0;
    unsigned value;
    while (hex[0] && hex[1] && n < cap) {
        sscanf(hex, "%2x", &value);
        out[n++] = (uint8_t)value;
        hex += 2;
    }
    return n;
}

static struct hg_decoder decoder;
static struct events seen, seen_after;

static void feed(const uint8_t *data, size_t len, size_t piece) {
    struct hg_event ev;
    size_t offset = 0;
    hg_decoder_init(&decoder);
    events_begin(&seen);
    while (offset < len) {
        size_t n = len - offset < piece ? len - offset : piece;
        size_t taken = hg_decoder_write(&decoder, data + offset, n);
        offset += taken;
        while (hg_decoder_next(&decoder, &ev)) events_add(&seen, &ev);
    }
    events_end(&seen);
    hg_decoder_abandon(&decoder);
    events_begin(&seen_after);
    while (hg_decoder_next(&decoder, &ev)) events_add(&seen_after, &ev);
    events_end(&seen_after);
}

static void check_canonical(const struct hg_vector *v, const uint8_t *bytes, size_t len) {
    struct hg_decoder d;
    struct hg_event ev;
    struct hg_message m;
    static uint8_t payload[HG_MAX_PAYLOAD], frame[HG_MAX_FRAME];
    int payload_len;
    size_t frame_len;
    hg_decoder_init(&d);
    hg_decoder_write(&d, bytes, len);
    if (!hg_decoder_next(&d, &ev) || ev.kind != HG_EVENT_FRAME) {
        CHECK(0, "%s: no frame", v->name);
        return;
    }
    CHECK(hg_message_decode(ev.type, ev.payload, ev.payload_len, &m) == HG_OK, "%s: decode", v->name);
    payload_len = hg_message_encode(&m, payload, sizeof payload);
    CHECK(payload_len == ev.payload_len && memcmp(payload, ev.payload, ev.payload_len) == 0, "%s: re-encoded payload differs",
          v->name);
    frame_len = hg_frame_encode(frame, sizeof frame, ev.flags, ev.type, ev.sequence, payload, payload_len < 0 ? 0 : (size_t)payload_len);
    CHECK(frame_len == len && memcmp(frame, bytes, len) == 0, "%s: re-encoded frame differs", v->name);
}

static void check_vectors(void) {
    static uint8_t bytes[8192];
    static const size_t pieces[] = {(size_t)-1, 1, 7};
    size_t i, p;
    for (i = 0; i < HG_VECTOR_COUNT; i++) {
        const struct hg_vector *v = &hg_vectors[i];
        size_t len = from_hex(v->hex, bytes, sizeof bytes);
        for (p = 0; p < sizeof pieces / sizeof pieces[0]; p++) {
            feed(bytes, len, pieces[p]);
            CHECK(strcmp(seen.out.text, v->events) == 0, "%s (pieces of %ld):\n  got      %s\n  expected %s", v->name,
                  (long)pieces[p], seen.out.text, v->events);
            CHECK(strcmp(seen_after.out.text, v->after_abandon) == 0, "%s (after abandon):\n  got      %s\n  expected %s",
                  v->name, seen_after.out.text, v->after_abandon);
            CHECK(decoder.len == 0, "%s: %lu bytes left after abandon", v->name, (unsigned long)decoder.len);
        }
        if (v->canonical) check_canonical(v, bytes, len);
    }
}

static void check_crc_and_auth(void) {
    static uint8_t expected[256], built[256];
    uint8_t server[HG_NONCE_SIZE], client[HG_NONCE_SIZE];
    size_t expected_len = from_hex(hg_auth_mac_input_hex, expected, sizeof expected), built_len;
    CHECK(hg_crc32((const uint8_t *)"123456789", 9) == 0xCBF43926u, "crc32 check value");
    from_hex(hg_auth_server_nonce_hex, server, sizeof server);
    from_hex(hg_auth_client_nonce_hex, client, sizeof client);
    built_len = hg_auth_message(built, sizeof built, server, client, hg_auth_device_id, strlen(hg_auth_device_id));
    CHECK(built_len == expected_len && memcmp(built, expected, built_len) == 0, "auth message");
}

static uint32_t rng_state = 2463534242u;
static uint32_t rng(void) { /* xorshift32 */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* 256 KiB of noise with 64 acks in it, fed in random pieces: every ack comes out. */
static void check_flood(void) {
    static uint8_t stream[300000];
    uint8_t payload[8];
    size_t len = 0, offset = 0;
    int embedded = 0, found = 0, i, j;
    struct hg_event ev;
    struct hg_writer w;
    hg_decoder_init(&decoder);
    for (i = 0; i < 64; i++) {
        for (j = 0; j < 4096; j++) stream[len++] = (uint8_t)rng();
        hg_writer_init(&w, payload, sizeof payload);
        hg_put_u16(&w, 1, (uint16_t)(1000 + i));
        len += hg_frame_encode(stream + len, sizeof stream - len, 0, HG_ACK, 0, payload, w.len);
        embedded++;
    }
    while (offset < len) {
        size_t piece = 1 + rng() % 3000;
        if (piece > len - offset) piece = len - offset;
        offset += hg_decoder_write(&decoder, stream + offset, piece);
        while (hg_decoder_next(&decoder, &ev)) {
            struct hg_message m;
            if (ev.kind == HG_EVENT_FRAME && hg_message_decode(ev.type, ev.payload, ev.payload_len, &m) == HG_OK &&
                m.type == HG_ACK && m.u.ack.sequence == 1000 + found)
                found++;
        }
    }
    hg_decoder_abandon(&decoder);
    while (hg_decoder_next(&decoder, &ev)) {
        struct hg_message m;
        if (ev.kind == HG_EVENT_FRAME && hg_message_decode(ev.type, ev.payload, ev.payload_len, &m) == HG_OK) found++;
    }
    CHECK(found == embedded, "flood: %d of %d frames found", found, embedded);
}

/* Random bytes into the decoder and into every message decoder: for the sanitizers. */
static void smoke_random_inputs(void) {
    static uint8_t data[2048], out[HG_MAX_PAYLOAD + 64];
    static const uint8_t types[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x10, 0x11, 0x20, 0x21, 0x22, 0x30, 0x31, 0x7E, 0x7F, 0x55};
    struct hg_message m, again;
    struct hg_event ev;
    size_t len, t, i;
    int round;
    for (round = 0; round < 20000; round++) {
        len = rng() % sizeof data;
        for (i = 0; i < len; i++) data[i] = (uint8_t)(rng() % 4 == 0 ? (rng() % 13) : rng());
        hg_decoder_init(&decoder);
        for (i = 0; i < len;) {
            size_t piece = 1 + rng() % 64;
            i += hg_decoder_write(&decoder, data + i, piece < len - i ? piece : len - i);
            while (hg_decoder_next(&decoder, &ev)) {}
        }
        for (t = 0; t < sizeof types; t++) {
            if (hg_message_decode(types[t], data, len % 300, &m) == HG_OK) {
                int n = hg_message_encode(&m, out, sizeof out);
                CHECK(n >= 0 && hg_message_decode(types[t], out, (size_t)n, &again) == HG_OK, "re-encode of type %u", types[t]);
            }
        }
    }
}

int main(void) {
    check_crc_and_auth();
    check_vectors();
    check_flood();
    smoke_random_inputs();
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("ok: %lu vectors (whole, byte by byte, 7-byte pieces), crc, auth, flood, random smoke\n",
           (unsigned long)HG_VECTOR_COUNT);
    return 0;
}
