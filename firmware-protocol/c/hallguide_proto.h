/*
 * HallGuide device protocol, version 1: reference codec in C99.
 *
 * No dynamic memory, no I/O, no global state: every function works on buffers the caller
 * provides. See ../PROTOCOL.md for the specification this implements.
 *
 *   crc32          hg_crc32
 *   frames         hg_frame_encode, hg_decoder_* (streaming, with the resync rule)
 *   payload fields hg_writer_* / hg_put_* (TLV writer), hg_reader_* (TLV reader)
 *   messages       hg_message_encode, hg_message_decode (all fourteen v1 messages)
 *   authentication hg_auth_message (the HMAC-SHA256 input; bring your own HMAC)
 */
#ifndef HALLGUIDE_PROTO_H
#define HALLGUIDE_PROTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Framing (PROTOCOL.md §2) ---- */

#define HG_SYNC_FIRST 0xA5u
#define HG_SYNC_SECOND 0x5Au
#define HG_VERSION 1u
#define HG_HEADER_SIZE 9u
#define HG_TRAILER_SIZE 4u
#define HG_MAX_PAYLOAD 1024u
#define HG_MAX_FRAME (HG_HEADER_SIZE + HG_MAX_PAYLOAD + HG_TRAILER_SIZE) /* 1037 */

#define HG_FLAG_ACK_REQUESTED 0x01u
#define HG_FLAG_RETRANSMIT 0x02u

/* ---- Limits (PROTOCOL.md §8) ---- */

#define HG_MAX_STRING 512u
#define HG_MAX_LIST 256u
#define HG_NONCE_SIZE 16u
#define HG_PROOF_SIZE 32u

/* How many list items (candidates, route points, steps) a decoded message can hold here.
 * The protocol allows 256; a message with more than this decodes to HG_ERR_CAPACITY.
 * Define it before including this header to change it. */
#ifndef HG_LIST_CAPACITY
#define HG_LIST_CAPACITY 32u
#endif

/* CRC-32 (IEEE 802.3, zlib): hg_crc32("123456789", 9) == 0xCBF43926. */
uint32_t hg_crc32(const uint8_t *data, size_t len);
/* Running form: start with crc = 0, feed pieces, the result is the CRC of all of them. */
uint32_t hg_crc32_update(uint32_t crc, const uint8_t *data, size_t len);

/* Writes a whole frame into out. Returns its size, or 0 when payload_len exceeds
 * HG_MAX_PAYLOAD or out is too small (cap < 13 + payload_len). */
size_t hg_frame_encode(uint8_t *out, size_t cap, uint8_t flags, uint8_t type, uint16_t sequence,
                       const uint8_t *payload, size_t payload_len);

/* ---- Streaming decoder ---- */

enum hg_discard_reason {
    HG_DISCARD_NO_SYNC = 1,          /* bytes before a sync pair */
    HG_DISCARD_OVERSIZED_LENGTH = 2, /* header length above the maximum: first sync byte dropped */
    HG_DISCARD_BAD_CRC = 3,          /* CRC mismatch: first sync byte dropped */
    HG_DISCARD_UNSUPPORTED_VERSION = 4, /* an intact frame of another version, skipped whole */
    HG_DISCARD_TRUNCATED = 5         /* abandoned partial frame: first sync byte dropped */
};

enum hg_event_kind { HG_EVENT_FRAME = 1, HG_EVENT_DISCARDED = 2 };

struct hg_event {
    enum hg_event_kind kind;
    /* Header fields: of the frame, or of the skipped frame for HG_DISCARD_UNSUPPORTED_VERSION. */
    uint8_t version;
    uint8_t flags;
    uint8_t type;
    uint16_t sequence;
    /* HG_EVENT_FRAME: the payload, inside the decoder; valid until the next decoder call. */
    const uint8_t *payload;
    uint16_t payload_len;
    /* HG_EVENT_DISCARDED: how many bytes were dropped, and why. */
    size_t discarded;
    enum hg_discard_reason reason;
};

struct hg_decoder_counters {
    uint32_t frames, bad_crc, oversized, unsupported_version, truncated, resync_bytes;
};

struct hg_decoder {
    uint8_t buf[HG_MAX_FRAME]; /* never more than one maximum frame is held */
    size_t len;                /* bytes held */
    size_t consume;            /* bytes to drop at the next call (the last event's) */
    int stale;                 /* set by hg_decoder_abandon until new bytes arrive */
    struct hg_decoder_counters counters;
};

void hg_decoder_init(struct hg_decoder *d);
/* Copies as many of data's bytes as there is room for and returns how many it took.
 * Call hg_decoder_next until it returns 0, then write the rest:
 *     while (len > 0) { size_t n = hg_decoder_write(d, data, len); data += n; len -= n;
 *                       while (hg_decoder_next(d, &ev)) handle(&ev); }            */
size_t hg_decoder_write(struct hg_decoder *d, const uint8_t *data, size_t len);
/* Returns 1 and fills ev with the next frame or discard; 0 when more bytes are needed. */
int hg_decoder_next(struct hg_decoder *d, struct hg_event *ev);
/* The link went quiet mid-frame, or closed: a held partial frame will never complete.
 * The next hg_decoder_next calls drop it (HG_DISCARD_TRUNCATED) and rescan its bytes. */
void hg_decoder_abandon(struct hg_decoder *d);

/* ---- Payload fields: tag u8, length u16 LE, value (PROTOCOL.md §4) ---- */

struct hg_writer {
    uint8_t *buf;
    size_t cap;
    size_t len;
    int overflow; /* set when a field did not fit: the payload is unusable */
};

void hg_writer_init(struct hg_writer *w, uint8_t *buf, size_t cap);
void hg_put_u8(struct hg_writer *w, uint8_t tag, uint8_t value);
void hg_put_u16(struct hg_writer *w, uint8_t tag, uint16_t value);
void hg_put_u32(struct hg_writer *w, uint8_t tag, uint32_t value);
void hg_put_i32(struct hg_writer *w, uint8_t tag, int32_t value);
void hg_put_bytes(struct hg_writer *w, uint8_t tag, const void *value, size_t len);
/* A nested field: returns a mark for hg_end_nested, which fills in the length. */
size_t hg_begin_nested(struct hg_writer *w, uint8_t tag);
void hg_end_nested(struct hg_writer *w, size_t mark);

struct hg_reader {
    const uint8_t *data;
    size_t len;
    size_t pos;
};

void hg_reader_init(struct hg_reader *r, const uint8_t *data, size_t len);
/* Returns 1 with the next field, 0 at the end, -1 when a field runs past the end. */
int hg_reader_next(struct hg_reader *r, uint8_t *tag, const uint8_t **value, uint16_t *value_len);

/* ---- Messages (PROTOCOL.md §5) ---- */

enum hg_message_type {
    HG_HELLO = 0x01, HG_CHALLENGE = 0x02, HG_AUTHENTICATE = 0x03, HG_AUTH_RESULT = 0x04, HG_HEARTBEAT = 0x05,
    HG_QUERY = 0x10, HG_ANSWER = 0x11, HG_LEAD = 0x20, HG_LEAD_PROGRESS = 0x21, HG_RECALL = 0x22,
    HG_DISPLAY = 0x30, HG_NOTICE = 0x31, HG_ACK = 0x7E, HG_NAK = 0x7F
};

enum hg_device_kind { HG_KIND_ROBOT = 1, HG_KIND_SCREEN = 2 };
enum hg_capability { HG_CAP_LEAD = 1u << 0, HG_CAP_DISPLAY = 1u << 1, HG_CAP_AUDIO = 1u << 2, HG_CAP_VOICE = 1u << 3 };
enum hg_robot_state { HG_STATE_IDLE = 0, HG_STATE_LEADING = 1, HG_STATE_RETURNING = 2, HG_STATE_CHARGING = 3, HG_STATE_FAULT = 4 };
enum hg_outcome { HG_OUTCOME_ROUTE = 1, HG_OUTCOME_CLARIFY = 2, HG_OUTCOME_FALLBACK = 3 };
enum hg_lead_offer { HG_LEAD_NOT_APPLICABLE = 0, HG_LEAD_WILL_LEAD = 1, HG_LEAD_BUSY = 2, HG_LEAD_UNAVAILABLE = 3 };
enum hg_lead_status {
    HG_STATUS_ACCEPTED = 1, HG_STATUS_ARRIVED = 2, HG_STATUS_ABORTED = 3, HG_STATUS_BLOCKED = 4,
    HG_STATUS_RETURNING = 5, HG_STATUS_DOCKED = 6
};
enum hg_notice_topic { HG_TOPIC_HALL = 1, HG_TOPIC_FLEET = 2, HG_TOPIC_LIVE = 3 };
enum hg_nak_code {
    HG_NAK_UNKNOWN_TYPE = 1, HG_NAK_MALFORMED_PAYLOAD = 2, HG_NAK_NOT_AUTHENTICATED = 3, HG_NAK_RATE_LIMITED = 4,
    HG_NAK_BUSY = 5, HG_NAK_UNSUPPORTED_VERSION = 6, HG_NAK_TOO_LARGE = 7, HG_NAK_AUTHENTICATION_FAILED = 8,
    HG_NAK_UNKNOWN_DEVICE = 9, HG_NAK_INTERNAL_ERROR = 10
};

/* A string field: UTF-8, not NUL-terminated. After decoding it points into the payload. */
struct hg_str {
    const char *ptr;
    uint16_t len;
};

/* A route point or a position: node id, centimetres east and north, level id. */
struct hg_point {
    struct hg_str node;
    int32_t x_cm;
    int32_t y_cm;
    struct hg_str level;
};

struct hg_hello { struct hg_str device_id; uint8_t kind; struct hg_str firmware; uint32_t capabilities; uint8_t client_nonce[HG_NONCE_SIZE]; };
struct hg_challenge { uint8_t server_nonce[HG_NONCE_SIZE]; };
struct hg_authenticate { uint8_t proof[HG_PROOF_SIZE]; };
/* code: 0 none (accepted, or a revision 1.0 halld), else an enum hg_nak_code saying why refused
 * (HG_NAK_UNKNOWN_DEVICE, HG_NAK_AUTHENTICATION_FAILED, HG_NAK_RATE_LIMITED: wait 2 s or more). */
struct hg_auth_result { uint8_t accepted; uint16_t heartbeat_seconds; struct hg_str reason; uint8_t code; };
struct hg_heartbeat { uint8_t state; uint8_t battery; struct hg_point position; };
/* new_visitor: 1 when a new person is asking (halld drops the previous visitor's context). */
struct hg_query { uint32_t query_id; struct hg_str text; struct hg_str language; uint8_t confidence; uint8_t new_visitor; };
struct hg_answer {
    uint32_t query_id;
    uint8_t outcome;
    struct hg_str destination;
    struct hg_str candidates[HG_LIST_CAPACITY];
    uint16_t candidate_count;
    struct hg_str text, language, prompt;
    struct hg_point route[HG_LIST_CAPACITY];
    uint16_t route_count;
    struct hg_str steps[HG_LIST_CAPACITY];
    uint16_t step_count;
    uint32_t decimetres;
    uint16_t seconds;
    uint8_t lead;
};
struct hg_lead { uint32_t lead_id; struct hg_str destination; struct hg_point route[HG_LIST_CAPACITY]; uint16_t route_count; };
struct hg_lead_progress { uint32_t lead_id; uint8_t status; struct hg_point position; };
struct hg_recall { struct hg_str reason; };
struct hg_display {
    uint32_t display_id;
    struct hg_str destination, title, text;
    struct hg_point route[HG_LIST_CAPACITY];
    uint16_t route_count;
    uint16_t ttl_seconds;
};
struct hg_notice { uint8_t topic; struct hg_str data_version; }; /* topic: enum hg_notice_topic */
struct hg_ack { uint16_t sequence; };
struct hg_nak { uint16_t sequence; uint8_t code; struct hg_str detail; };

struct hg_message {
    uint8_t type; /* enum hg_message_type */
    union {
        struct hg_hello hello;
        struct hg_challenge challenge;
        struct hg_authenticate authenticate;
        struct hg_auth_result auth_result;
        struct hg_heartbeat heartbeat;
        struct hg_query query;
        struct hg_answer answer;
        struct hg_lead lead;
        struct hg_lead_progress lead_progress;
        struct hg_recall recall;
        struct hg_display display;
        struct hg_notice notice;
        struct hg_ack ack;
        struct hg_nak nak;
    } u;
};

enum hg_error {
    HG_OK = 0,
    HG_ERR_UNKNOWN_TYPE = -1, /* nak unknownType */
    HG_ERR_MALFORMED = -2,    /* nak malformedPayload */
    HG_ERR_CAPACITY = -3,     /* valid, but more list items than HG_LIST_CAPACITY */
    HG_ERR_NO_ROOM = -4       /* encode: the output buffer is too small */
};

/* Decodes a payload. Strings in m point into payload, which must outlive m. */
enum hg_error hg_message_decode(uint8_t type, const uint8_t *payload, size_t len, struct hg_message *m);
/* Encodes m's payload (canonical form: every field, in tag order). Returns its length,
 * or a negative enum hg_error. */
int hg_message_encode(const struct hg_message *m, uint8_t *out, size_t cap);
/* 1 for the messages sent with ACK_REQUESTED (query, answer, lead, leadProgress, recall, display, notice). */
int hg_requires_ack(uint8_t type);

/* ---- Authentication (PROTOCOL.md §6.1) ---- */

/* Writes "hallguide-auth-v1" || server_nonce || client_nonce || device_id into out and
 * returns its length (0 when cap is too small). proof = HMAC-SHA256(key, that). */
size_t hg_auth_message(uint8_t *out, size_t cap, const uint8_t server_nonce[HG_NONCE_SIZE],
                       const uint8_t client_nonce[HG_NONCE_SIZE], const char *device_id, size_t device_id_len);

#ifdef __cplusplus
}
#endif

#endif /* HALLGUIDE_PROTO_H */
