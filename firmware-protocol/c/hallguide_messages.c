/* HallGuide device protocol v1: message payloads (PROTOCOL.md §4, §5). */
#include "hallguide_proto.h"

#include <string.h>

/* ---------------------------------------------------------------- decoding helpers */

/* What one payload scan has found: which non-list tags were seen, and whether a list overflowed
 * this build's capacity (reported only if nothing is malformed). */
struct scan {
    uint32_t seen;
    int over_capacity;
};

static int utf8_valid(const uint8_t *s, size_t n) {
    size_t i = 0, k, need;
    uint32_t cp;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80u) {
            i++;
            continue;
        }
        if (c >= 0xC2u && c <= 0xDFu) {
            need = 1;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0u && c <= 0xEFu) {
            need = 2;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0u && c <= 0xF4u) {
            need = 3;
            cp = c & 0x07u;
        } else {
            return 0;
        }
        if (n - i - 1 < need) return 0;
        for (k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0u) != 0x80u) return 0;
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        if (need == 2 && (cp < 0x800u || (cp >= 0xD800u && cp <= 0xDFFFu))) return 0; /* overlong, surrogate */
        if (need == 3 && (cp < 0x10000u || cp > 0x10FFFFu)) return 0;
        i += need + 1;
    }
    return 1;
}

/* A field that is not a list may appear once. */
static int once(struct scan *s, uint8_t tag) {
    uint32_t bit = 1u << (tag & 31u);
    if (s->seen & bit) return 0;
    s->seen |= bit;
    return 1;
}

static int get_u8(const uint8_t *v, uint16_t len, uint8_t *out) {
    if (len != 1) return 0;
    *out = v[0];
    return 1;
}

static int get_u16(const uint8_t *v, uint16_t len, uint16_t *out) {
    if (len != 2) return 0;
    *out = (uint16_t)(v[0] | (v[1] << 8));
    return 1;
}

static int get_u32(const uint8_t *v, uint16_t len, uint32_t *out) {
    if (len != 4) return 0;
    *out = (uint32_t)v[0] | ((uint32_t)v[1] << 8) | ((uint32_t)v[2] << 16) | ((uint32_t)v[3] << 24);
    return 1;
}

static int get_i32(const uint8_t *v, uint16_t len, int32_t *out) {
    uint32_t u;
    if (!get_u32(v, len, &u)) return 0;
    /* Two's complement without relying on implementation-defined conversion. */
    *out = u <= 0x7FFFFFFFu ? (int32_t)u : -(int32_t)(0xFFFFFFFFu - u) - 1;
    return 1;
}

static int get_str(const uint8_t *v, uint16_t len, struct hg_str *out) {
    if (len > HG_MAX_STRING || !utf8_valid(v, len)) return 0;
    out->ptr = (const char *)v;
    out->len = len;
    return 1;
}

static int get_fixed(const uint8_t *v, uint16_t len, uint8_t *out, size_t size) {
    if (len != size) return 0;
    memcpy(out, v, size);
    return 1;
}

/* A point: node (1), x (2), y (3), level (4), all optional. */
static int get_point(const uint8_t *v, uint16_t len, struct hg_point *p) {
    struct hg_reader r;
    struct scan s = {0, 0};
    uint8_t tag;
    const uint8_t *fv;
    uint16_t fl;
    int more;
    memset(p, 0, sizeof *p);
    hg_reader_init(&r, v, len);
    while ((more = hg_reader_next(&r, &tag, &fv, &fl)) == 1) {
        int ok = 1;
        switch (tag) {
        case 1: ok = once(&s, tag) && get_str(fv, fl, &p->node); break;
        case 2: ok = once(&s, tag) && get_i32(fv, fl, &p->x_cm); break;
        case 3: ok = once(&s, tag) && get_i32(fv, fl, &p->y_cm); break;
        case 4: ok = once(&s, tag) && get_str(fv, fl, &p->level); break;
        default: break; /* unknown tags are skipped */
        }
        if (!ok) return 0;
    }
    return more == 0;
}

/* One more item of a list: malformed past the protocol's 256, over capacity past this build's. */
static int list_item(struct scan *s, uint16_t *count) {
    if (*count >= HG_MAX_LIST) return -1;
    if (*count >= HG_LIST_CAPACITY) {
        s->over_capacity = 1;
        (*count)++;
        return 0;
    }
    (*count)++;
    return 1;
}

static int add_str(struct scan *s, const uint8_t *v, uint16_t len, struct hg_str *items, uint16_t *count) {
    struct hg_str value;
    int slot;
    if (!get_str(v, len, &value)) return 0;
    slot = list_item(s, count);
    if (slot < 0) return 0;
    if (slot > 0) items[*count - 1] = value;
    return 1;
}

static int add_point(struct scan *s, const uint8_t *v, uint16_t len, struct hg_point *items, uint16_t *count) {
    struct hg_point value;
    int slot;
    if (!get_point(v, len, &value)) return 0;
    slot = list_item(s, count);
    if (slot < 0) return 0;
    if (slot > 0) items[*count - 1] = value;
    return 1;
}

static int in_range(uint8_t value, uint8_t low, uint8_t high) { return value >= low && value <= high; }

/* One field of message type `type`: 1 when valid (or unknown and skipped), 0 when malformed. */
static int decode_field(struct hg_message *m, struct scan *s, uint8_t tag, const uint8_t *v, uint16_t l) {
    switch (m->type) {
    case HG_HELLO: {
        struct hg_hello *h = &m->u.hello;
        switch (tag) {
        case 1: return once(s, tag) && get_str(v, l, &h->device_id);
        case 2: return once(s, tag) && get_u8(v, l, &h->kind) && in_range(h->kind, 1, 2);
        case 3: return once(s, tag) && get_str(v, l, &h->firmware);
        case 4: return once(s, tag) && get_u32(v, l, &h->capabilities);
        case 5: return once(s, tag) && get_fixed(v, l, h->client_nonce, HG_NONCE_SIZE);
        default: return 1;
        }
    }
    case HG_CHALLENGE:
        return tag != 1 || (once(s, tag) && get_fixed(v, l, m->u.challenge.server_nonce, HG_NONCE_SIZE));
    case HG_AUTHENTICATE:
        return tag != 1 || (once(s, tag) && get_fixed(v, l, m->u.authenticate.proof, HG_PROOF_SIZE));
    case HG_AUTH_RESULT: {
        struct hg_auth_result *a = &m->u.auth_result;
        switch (tag) {
        case 1: return once(s, tag) && get_u8(v, l, &a->accepted) && a->accepted <= 1;
        case 2: return once(s, tag) && get_u16(v, l, &a->heartbeat_seconds);
        case 3: return once(s, tag) && get_str(v, l, &a->reason);
        case 4: return once(s, tag) && get_u8(v, l, &a->code) && a->code <= HG_NAK_INTERNAL_ERROR;
        default: return 1;
        }
    }
    case HG_HEARTBEAT: {
        struct hg_heartbeat *h = &m->u.heartbeat;
        switch (tag) {
        case 1: return once(s, tag) && get_u8(v, l, &h->state) && h->state <= HG_STATE_FAULT;
        case 2: return once(s, tag) && get_u8(v, l, &h->battery) && (h->battery <= 100 || h->battery == 255);
        case 3: return once(s, tag) && get_point(v, l, &h->position);
        default: return 1;
        }
    }
    case HG_QUERY: {
        struct hg_query *q = &m->u.query;
        switch (tag) {
        case 1: return once(s, tag) && get_u32(v, l, &q->query_id);
        case 2: return once(s, tag) && get_str(v, l, &q->text);
        case 3: return once(s, tag) && get_str(v, l, &q->language);
        case 4: return once(s, tag) && get_u8(v, l, &q->confidence) && q->confidence <= 100;
        case 5: return once(s, tag) && get_u8(v, l, &q->new_visitor) && q->new_visitor <= 1;
        default: return 1;
        }
    }
    case HG_ANSWER: {
        struct hg_answer *a = &m->u.answer;
        switch (tag) {
        case 1: return once(s, tag) && get_u32(v, l, &a->query_id);
        case 2: return once(s, tag) && get_u8(v, l, &a->outcome) && in_range(a->outcome, 1, 3);
        case 3: return once(s, tag) && get_str(v, l, &a->destination);
        case 4: return add_str(s, v, l, a->candidates, &a->candidate_count);
        case 5: return once(s, tag) && get_str(v, l, &a->text);
        case 6: return once(s, tag) && get_str(v, l, &a->language);
        case 7: return once(s, tag) && get_str(v, l, &a->prompt);
        case 8: return add_point(s, v, l, a->route, &a->route_count);
        case 9: return add_str(s, v, l, a->steps, &a->step_count);
        case 10: return once(s, tag) && get_u32(v, l, &a->decimetres);
        case 11: return once(s, tag) && get_u16(v, l, &a->seconds);
        case 12: return once(s, tag) && get_u8(v, l, &a->lead) && a->lead <= HG_LEAD_UNAVAILABLE;
        default: return 1;
        }
    }
    case HG_LEAD: {
        struct hg_lead *d = &m->u.lead;
        switch (tag) {
        case 1: return once(s, tag) && get_u32(v, l, &d->lead_id);
        case 2: return once(s, tag) && get_str(v, l, &d->destination);
        case 3: return add_point(s, v, l, d->route, &d->route_count);
        default: return 1;
        }
    }
    case HG_LEAD_PROGRESS: {
        struct hg_lead_progress *p = &m->u.lead_progress;
        switch (tag) {
        case 1: return once(s, tag) && get_u32(v, l, &p->lead_id);
        case 2: return once(s, tag) && get_u8(v, l, &p->status) && in_range(p->status, 1, 6);
        case 3: return once(s, tag) && get_point(v, l, &p->position);
        default: return 1;
        }
    }
    case HG_RECALL:
        return tag != 1 || (once(s, tag) && get_str(v, l, &m->u.recall.reason));
    case HG_DISPLAY: {
        struct hg_display *d = &m->u.display;
        switch (tag) {
        case 1: return once(s, tag) && get_u32(v, l, &d->display_id);
        case 2: return once(s, tag) && get_str(v, l, &d->destination);
        case 3: return once(s, tag) && get_str(v, l, &d->title);
        case 4: return once(s, tag) && get_str(v, l, &d->text);
        case 5: return add_point(s, v, l, d->route, &d->route_count);
        case 6: return once(s, tag) && get_u16(v, l, &d->ttl_seconds);
        default: return 1;
        }
    }
    case HG_NOTICE: {
        struct hg_notice *n = &m->u.notice;
        switch (tag) {
        case 1: return once(s, tag) && get_u8(v, l, &n->topic) && in_range(n->topic, 1, 3);
        case 2: return once(s, tag) && get_str(v, l, &n->data_version);
        default: return 1;
        }
    }
    case HG_ACK:
        return tag != 1 || (once(s, tag) && get_u16(v, l, &m->u.ack.sequence));
    case HG_NAK: {
        struct hg_nak *n = &m->u.nak;
        switch (tag) {
        case 1: return once(s, tag) && get_u16(v, l, &n->sequence);
        case 2: return once(s, tag) && get_u8(v, l, &n->code) && in_range(n->code, 1, 10);
        case 3: return once(s, tag) && get_str(v, l, &n->detail);
        default: return 1;
        }
    }
    default:
        return 0;
    }
}

/* The required fields of each type, as a bit per tag. */
static uint32_t required_tags(uint8_t type) {
    switch (type) {
    case HG_HELLO: return 0x3Eu;          /* 1 2 3 4 5 */
    case HG_CHALLENGE: return 0x02u;      /* 1 */
    case HG_AUTHENTICATE: return 0x02u;   /* 1 */
    case HG_AUTH_RESULT: return 0x06u;    /* 1 2 */
    case HG_HEARTBEAT: return 0x06u;      /* 1 2 */
    case HG_QUERY: return 0x1Eu;          /* 1 2 3 4 */
    case HG_ANSWER: return 0xE6u;         /* 1 2 5 6 7 */
    case HG_LEAD: return 0x06u;           /* 1 2 */
    case HG_LEAD_PROGRESS: return 0x06u;  /* 1 2 */
    case HG_RECALL: return 0x00u;
    case HG_DISPLAY: return 0x42u;        /* 1 6 */
    case HG_NOTICE: return 0x02u;         /* 1 */
    case HG_ACK: return 0x02u;            /* 1 */
    case HG_NAK: return 0x06u;            /* 1 2 */
    default: return 0xFFFFFFFFu;
    }
}

enum hg_error hg_message_decode(uint8_t type, const uint8_t *payload, size_t len, struct hg_message *m) {
    struct hg_reader r;
    struct scan s = {0, 0};
    uint8_t tag;
    const uint8_t *v;
    uint16_t l;
    int more;
    uint32_t required = required_tags(type);

    memset(m, 0, sizeof *m);
    m->type = type;
    if (required == 0xFFFFFFFFu) return HG_ERR_UNKNOWN_TYPE;
    if (type == HG_ANSWER) m->u.answer.lead = HG_LEAD_NOT_APPLICABLE;
    hg_reader_init(&r, payload, len);
    while ((more = hg_reader_next(&r, &tag, &v, &l)) == 1) {
        if (!decode_field(m, &s, tag, v, l)) return HG_ERR_MALFORMED;
    }
    if (more < 0 || (s.seen & required) != required) return HG_ERR_MALFORMED;
    return s.over_capacity ? HG_ERR_CAPACITY : HG_OK;
}

/* ---------------------------------------------------------------- encoding */

static void put_str(struct hg_writer *w, uint8_t tag, struct hg_str s) { hg_put_bytes(w, tag, s.ptr, s.len); }

static void put_point(struct hg_writer *w, uint8_t tag, const struct hg_point *p) {
    size_t mark = hg_begin_nested(w, tag);
    put_str(w, 1, p->node);
    hg_put_i32(w, 2, p->x_cm);
    hg_put_i32(w, 3, p->y_cm);
    put_str(w, 4, p->level);
    hg_end_nested(w, mark);
}

static void put_route(struct hg_writer *w, uint8_t tag, const struct hg_point *route, uint16_t count) {
    uint16_t i;
    for (i = 0; i < count && i < HG_LIST_CAPACITY; i++) put_point(w, tag, &route[i]);
}

int hg_message_encode(const struct hg_message *m, uint8_t *out, size_t cap) {
    struct hg_writer w;
    uint16_t i;
    hg_writer_init(&w, out, cap);
    switch (m->type) {
    case HG_HELLO:
        put_str(&w, 1, m->u.hello.device_id);
        hg_put_u8(&w, 2, m->u.hello.kind);
        put_str(&w, 3, m->u.hello.firmware);
        hg_put_u32(&w, 4, m->u.hello.capabilities);
        hg_put_bytes(&w, 5, m->u.hello.client_nonce, HG_NONCE_SIZE);
        break;
    case HG_CHALLENGE: hg_put_bytes(&w, 1, m->u.challenge.server_nonce, HG_NONCE_SIZE); break;
    case HG_AUTHENTICATE: hg_put_bytes(&w, 1, m->u.authenticate.proof, HG_PROOF_SIZE); break;
    case HG_AUTH_RESULT:
        hg_put_u8(&w, 1, m->u.auth_result.accepted ? 1 : 0);
        hg_put_u16(&w, 2, m->u.auth_result.heartbeat_seconds);
        put_str(&w, 3, m->u.auth_result.reason);
        hg_put_u8(&w, 4, m->u.auth_result.code);
        break;
    case HG_HEARTBEAT:
        hg_put_u8(&w, 1, m->u.heartbeat.state);
        hg_put_u8(&w, 2, m->u.heartbeat.battery);
        put_point(&w, 3, &m->u.heartbeat.position);
        break;
    case HG_QUERY:
        hg_put_u32(&w, 1, m->u.query.query_id);
        put_str(&w, 2, m->u.query.text);
        put_str(&w, 3, m->u.query.language);
        hg_put_u8(&w, 4, m->u.query.confidence);
        hg_put_u8(&w, 5, m->u.query.new_visitor ? 1 : 0);
        break;
    case HG_ANSWER: {
        const struct hg_answer *a = &m->u.answer;
        hg_put_u32(&w, 1, a->query_id);
        hg_put_u8(&w, 2, a->outcome);
        put_str(&w, 3, a->destination);
        for (i = 0; i < a->candidate_count && i < HG_LIST_CAPACITY; i++) put_str(&w, 4, a->candidates[i]);
        put_str(&w, 5, a->text);
        put_str(&w, 6, a->language);
        put_str(&w, 7, a->prompt);
        put_route(&w, 8, a->route, a->route_count);
        for (i = 0; i < a->step_count && i < HG_LIST_CAPACITY; i++) put_str(&w, 9, a->steps[i]);
        hg_put_u32(&w, 10, a->decimetres);
        hg_put_u16(&w, 11, a->seconds);
        hg_put_u8(&w, 12, a->lead);
        break;
    }
    case HG_LEAD:
        hg_put_u32(&w, 1, m->u.lead.lead_id);
        put_str(&w, 2, m->u.lead.destination);
        put_route(&w, 3, m->u.lead.route, m->u.lead.route_count);
        break;
    case HG_LEAD_PROGRESS:
        hg_put_u32(&w, 1, m->u.lead_progress.lead_id);
        hg_put_u8(&w, 2, m->u.lead_progress.status);
        put_point(&w, 3, &m->u.lead_progress.position);
        break;
    case HG_RECALL: put_str(&w, 1, m->u.recall.reason); break;
    case HG_DISPLAY:
        hg_put_u32(&w, 1, m->u.display.display_id);
        put_str(&w, 2, m->u.display.destination);
        put_str(&w, 3, m->u.display.title);
        put_str(&w, 4, m->u.display.text);
        put_route(&w, 5, m->u.display.route, m->u.display.route_count);
        hg_put_u16(&w, 6, m->u.display.ttl_seconds);
        break;
    case HG_NOTICE:
        hg_put_u8(&w, 1, m->u.notice.topic);
        put_str(&w, 2, m->u.notice.data_version);
        break;
    case HG_ACK: hg_put_u16(&w, 1, m->u.ack.sequence); break;
    case HG_NAK:
        hg_put_u16(&w, 1, m->u.nak.sequence);
        hg_put_u8(&w, 2, m->u.nak.code);
        put_str(&w, 3, m->u.nak.detail);
        break;
    default:
        return HG_ERR_UNKNOWN_TYPE;
    }
    if (w.overflow) return HG_ERR_NO_ROOM;
    return (int)w.len;
}

int hg_requires_ack(uint8_t type) {
    return type == HG_QUERY || type == HG_ANSWER || type == HG_LEAD || type == HG_LEAD_PROGRESS ||
           type == HG_RECALL || type == HG_DISPLAY || type == HG_NOTICE;
}
