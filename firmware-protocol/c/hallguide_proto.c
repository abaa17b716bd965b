/* HallGuide device protocol v1: reference codec. See hallguide_proto.h and ../PROTOCOL.md. */
#include "hallguide_proto.h"

#include <string.h>

/* ---------------------------------------------------------------- CRC-32 */

/* Half-byte table: 64 bytes of constants instead of 1 KiB, fast enough for a serial link. */
static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
    0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu, 0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};

uint32_t hg_crc32_update(uint32_t crc, const uint8_t *data, size_t len) {
    size_t i;
    crc = ~crc;
    for (i = 0; i < len; i++) {
        crc ^= data[i];
        crc = (crc >> 4) ^ crc_nibble[crc & 0x0Fu];
        crc = (crc >> 4) ^ crc_nibble[crc & 0x0Fu];
    }
    return ~crc;
}

uint32_t hg_crc32(const uint8_t *data, size_t len) { return hg_crc32_update(0, data, len); }

/* ---------------------------------------------------------------- little-endian helpers */

static uint16_t get_le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static uint32_t get_le32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void put_le16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* ---------------------------------------------------------------- frames */

size_t hg_frame_encode(uint8_t *out, size_t cap, uint8_t flags, uint8_t type, uint16_t sequence,
                       const uint8_t *payload, size_t payload_len) {
    size_t size = HG_HEADER_SIZE + payload_len + HG_TRAILER_SIZE;
    if (payload_len > HG_MAX_PAYLOAD || cap < size) return 0;
    out[0] = HG_SYNC_FIRST;
    out[1] = HG_SYNC_SECOND;
    out[2] = HG_VERSION;
    out[3] = flags;
    out[4] = type;
    put_le16(out + 5, sequence);
    put_le16(out + 7, (uint16_t)payload_len);
    if (payload_len > 0) memmove(out + HG_HEADER_SIZE, payload, payload_len);
    put_le32(out + HG_HEADER_SIZE + payload_len, hg_crc32(out + 2, HG_HEADER_SIZE - 2 + payload_len));
    return size;
}

void hg_decoder_init(struct hg_decoder *d) { memset(d, 0, sizeof *d); }

/* Drops the bytes of the event handed out last (its payload pointer was valid until now). */
static void apply_consume(struct hg_decoder *d) {
    if (d->consume == 0) return;
    memmove(d->buf, d->buf + d->consume, d->len - d->consume);
    d->len -= d->consume;
    d->consume = 0;
}

size_t hg_decoder_write(struct hg_decoder *d, const uint8_t *data, size_t len) {
    size_t room, take;
    apply_consume(d);
    room = HG_MAX_FRAME - d->len;
    take = len < room ? len : room;
    if (take > 0) {
        memcpy(d->buf + d->len, data, take);
        d->len += take;
        d->stale = 0;
    }
    return take;
}

void hg_decoder_abandon(struct hg_decoder *d) { d->stale = 1; }

static int discard(struct hg_decoder *d, struct hg_event *ev, size_t count, enum hg_discard_reason reason) {
    ev->kind = HG_EVENT_DISCARDED;
    ev->discarded = count;
    ev->reason = reason;
    d->consume = count;
    if (reason != HG_DISCARD_UNSUPPORTED_VERSION) d->counters.resync_bytes += (uint32_t)count;
    return 1;
}

/* The resync rule: a rejected header drops only its first sync byte, so a frame that starts
 * anywhere inside the rejected bytes is still found. */
static int drop_sync_byte(struct hg_decoder *d, struct hg_event *ev, enum hg_discard_reason reason) {
    return discard(d, ev, 1, reason);
}

/* An incomplete frame: wait for more bytes, or give it up once the input is stale. */
static int wait_or_truncate(struct hg_decoder *d, struct hg_event *ev) {
    if (!d->stale) return 0;
    d->counters.truncated++;
    return drop_sync_byte(d, ev, HG_DISCARD_TRUNCATED);
}

int hg_decoder_next(struct hg_decoder *d, struct hg_event *ev) {
    size_t n, i, length, size;
    const uint8_t *b = d->buf;

    apply_consume(d);
    memset(ev, 0, sizeof *ev);
    n = d->len;
    if (n == 0) return 0;

    for (i = 0; i + 1 < n; i++) {
        if (b[i] == HG_SYNC_FIRST && b[i + 1] == HG_SYNC_SECOND) break;
    }
    if (i + 1 >= n) {
        /* No sync pair. A last byte of A5 may be the first half of one still to come. */
        size_t end = (b[n - 1] == HG_SYNC_FIRST && !d->stale) ? n - 1 : n;
        return end > 0 ? discard(d, ev, end, HG_DISCARD_NO_SYNC) : 0;
    }
    if (i > 0) return discard(d, ev, i, HG_DISCARD_NO_SYNC);

    if (n < HG_HEADER_SIZE) return wait_or_truncate(d, ev);
    length = get_le16(b + 7);
    if (length > HG_MAX_PAYLOAD) {
        d->counters.oversized++;
        return drop_sync_byte(d, ev, HG_DISCARD_OVERSIZED_LENGTH);
    }
    size = HG_HEADER_SIZE + length + HG_TRAILER_SIZE;
    if (n < size) return wait_or_truncate(d, ev);
    if (get_le32(b + HG_HEADER_SIZE + length) != hg_crc32(b + 2, HG_HEADER_SIZE - 2 + length)) {
        d->counters.bad_crc++;
        return drop_sync_byte(d, ev, HG_DISCARD_BAD_CRC);
    }

    ev->version = b[2];
    ev->flags = b[3];
    ev->type = b[4];
    ev->sequence = get_le16(b + 5);
    if (ev->version != HG_VERSION) {
        d->counters.unsupported_version++;
        return discard(d, ev, size, HG_DISCARD_UNSUPPORTED_VERSION);
    }
    ev->kind = HG_EVENT_FRAME;
    ev->payload = b + HG_HEADER_SIZE;
    ev->payload_len = (uint16_t)length;
    d->consume = size;
    d->counters.frames++;
    return 1;
}

/* ---------------------------------------------------------------- TLV */

void hg_writer_init(struct hg_writer *w, uint8_t *buf, size_t cap) {
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
    w->overflow = 0;
}

void hg_put_bytes(struct hg_writer *w, uint8_t tag, const void *value, size_t len) {
    if (w->overflow || len > 0xFFFFu || w->cap - w->len < 3 + len) {
        w->overflow = 1;
        return;
    }
    w->buf[w->len] = tag;
    put_le16(w->buf + w->len + 1, (uint16_t)len);
    if (len > 0) memcpy(w->buf + w->len + 3, value, len);
    w->len += 3 + len;
}

void hg_put_u8(struct hg_writer *w, uint8_t tag, uint8_t value) { hg_put_bytes(w, tag, &value, 1); }

void hg_put_u16(struct hg_writer *w, uint8_t tag, uint16_t value) {
    uint8_t v[2];
    put_le16(v, value);
    hg_put_bytes(w, tag, v, 2);
}

void hg_put_u32(struct hg_writer *w, uint8_t tag, uint32_t value) {
    uint8_t v[4];
    put_le32(v, value);
    hg_put_bytes(w, tag, v, 4);
}

void hg_put_i32(struct hg_writer *w, uint8_t tag, int32_t value) { hg_put_u32(w, tag, (uint32_t)value); }

size_t hg_begin_nested(struct hg_writer *w, uint8_t tag) {
    size_t mark = w->len;
    hg_put_bytes(w, tag, NULL, 0);
    return mark;
}

void hg_end_nested(struct hg_writer *w, size_t mark) {
    size_t len;
    if (w->overflow) return;
    len = w->len - mark - 3;
    if (len > 0xFFFFu) {
        w->overflow = 1;
        return;
    }
    put_le16(w->buf + mark + 1, (uint16_t)len);
}

void hg_reader_init(struct hg_reader *r, const uint8_t *data, size_t len) {
    r->data = data;
    r->len = len;
    r->pos = 0;
}

int hg_reader_next(struct hg_reader *r, uint8_t *tag, const uint8_t **value, uint16_t *value_len) {
    uint16_t len;
    if (r->pos >= r->len) return 0;
    if (r->len - r->pos < 3) return -1;
    len = get_le16(r->data + r->pos + 1);
    if (r->len - r->pos - 3 < len) return -1;
    *tag = r->data[r->pos];
    *value = r->data + r->pos + 3;
    *value_len = len;
    r->pos += 3u + len;
    return 1;
}

/* ---------------------------------------------------------------- authentication */

size_t hg_auth_message(uint8_t *out, size_t cap, const uint8_t server_nonce[HG_NONCE_SIZE],
                       const uint8_t client_nonce[HG_NONCE_SIZE], const char *device_id, size_t device_id_len) {
    static const char label[] = "hallguide-auth-v1";
    size_t label_len = sizeof label - 1;
    size_t size = label_len + 2 * HG_NONCE_SIZE + device_id_len;
    if (cap < size) return 0;
    memcpy(out, label, label_len);
    memcpy(out + label_len, server_nonce, HG_NONCE_SIZE);
    memcpy(out + label_len + HG_NONCE_SIZE, client_nonce, HG_NONCE_SIZE);
    if (device_id_len > 0) memcpy(out + label_len + 2 * HG_NONCE_SIZE, device_id, device_id_len);
    return size;
}

/* The messages are in hallguide_messages.c. */
