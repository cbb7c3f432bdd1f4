/*
 * protocol.c - the sealed messages between the runner and the test binary
 * (protocol.h says what they are and why).
 */
#include "protocol.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h> /* getrandom */

/* SipHash's running state: four words and the bytes not yet absorbed. */
struct siphash {
    uint64_t v[4];
    unsigned char tail[8];
    size_t tail_len, total;
};

static uint64_t rotl(uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

/* One SipRound on S. */
static void sip_round(uint64_t v[4])
{
    v[0] += v[1]; v[1] = rotl(v[1], 13); v[1] ^= v[0]; v[0] = rotl(v[0], 32);
    v[2] += v[3]; v[3] = rotl(v[3], 16); v[3] ^= v[2];
    v[0] += v[3]; v[3] = rotl(v[3], 21); v[3] ^= v[0];
    v[2] += v[1]; v[1] = rotl(v[1], 17); v[1] ^= v[2]; v[2] = rotl(v[2], 32);
}

/* The 8 bytes at P as a little-endian word. */
static uint64_t load64(const unsigned char *p)
{
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = (x << 8) | p[i];
    return x;
}

/* Absorb one 8-byte block M. */
static void sip_block(struct siphash *s, uint64_t m)
{
    s->v[3] ^= m;
    sip_round(s->v);
    sip_round(s->v);
    s->v[0] ^= m;
}

static void sip_init(struct siphash *s, const unsigned char key[OT_KEY_BYTES])
{
    uint64_t k0 = load64(key), k1 = load64(key + 8);
    s->v[0] = k0 ^ 0x736f6d6570736575ULL;
    s->v[1] = k1 ^ 0x646f72616e646f6dULL;
    s->v[2] = k0 ^ 0x6c7967656e657261ULL;
    s->v[3] = k1 ^ 0x7465646279746573ULL;
    s->tail_len = s->total = 0;
}

static void sip_update(struct siphash *s, const void *data, size_t len)
{
    const unsigned char *p = data;
    s->total += len;
    while (len > 0) {
        s->tail[s->tail_len++] = *p++;
        len--;
        if (s->tail_len == 8) {
            sip_block(s, load64(s->tail));
            s->tail_len = 0;
        }
    }
}

static uint64_t sip_final(struct siphash *s)
{
    uint64_t last = (uint64_t)(s->total & 0xff) << 56;
    for (size_t i = 0; i < s->tail_len; i++)
        last |= (uint64_t)s->tail[i] << (8 * i);
    sip_block(s, last);
    s->v[2] ^= 0xff;
    for (int i = 0; i < 4; i++)
        sip_round(s->v);
    return s->v[0] ^ s->v[1] ^ s->v[2] ^ s->v[3];
}

uint64_t ot_siphash(const unsigned char key[OT_KEY_BYTES], const void *data, size_t len)
{
    struct siphash s;
    sip_init(&s, key);
    sip_update(&s, data, len);
    return sip_final(&s);
}

/* Absorb the string S and its terminating NUL (so fields cannot run together). */
static void sip_field(struct siphash *s, const char *text)
{
    sip_update(s, text, strlen(text) + 1);
}

uint64_t ot_seal(const struct ot_run_key *run, const char *lab, const char *test,
                 unsigned long long channel, const char *verdict, const char *text, size_t len)
{
    struct siphash s;
    char channel_text[32];
    snprintf(channel_text, sizeof channel_text, "%llu", channel);
    sip_init(&s, run->key);
    sip_field(&s, "oslab result 1");
    sip_field(&s, lab);
    sip_field(&s, test);
    sip_field(&s, run->nonce);
    sip_field(&s, channel_text);
    sip_field(&s, verdict);
    sip_update(&s, text, len);
    return sip_final(&s);
}

int ot_new_run_key(struct ot_run_key *run)
{
    unsigned char nonce[OT_NONCE_BYTES];
    if (getrandom(run->key, sizeof run->key, 0) != (ssize_t)sizeof run->key ||
        getrandom(nonce, sizeof nonce, 0) != (ssize_t)sizeof nonce)
        return -1;
    for (size_t i = 0; i < sizeof nonce; i++)
        snprintf(run->nonce + 2 * i, 3, "%02x", nonce[i]);
    return 0;
}

void ot_format_key_message(const struct ot_run_key *run, char out[OT_KEY_MESSAGE_LEN + 1])
{
    for (size_t i = 0; i < OT_KEY_BYTES; i++)
        snprintf(out + 2 * i, 3, "%02x", run->key[i]);
    snprintf(out + 2 * OT_KEY_BYTES, OT_KEY_MESSAGE_LEN + 1 - 2 * OT_KEY_BYTES, " %s\n",
             run->nonce);
}

/* The value of hex digit C, or -1. */
static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool ot_parse_key_message(const char *text, size_t len, struct ot_run_key *run)
{
    if (len != OT_KEY_MESSAGE_LEN || text[2 * OT_KEY_BYTES] != ' ' || text[len - 1] != '\n')
        return false;
    for (size_t i = 0; i < OT_KEY_BYTES; i++) {
        int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        run->key[i] = (unsigned char)(hi << 4 | lo);
    }
    const char *nonce = text + 2 * OT_KEY_BYTES + 1;
    for (size_t i = 0; i < 2 * OT_NONCE_BYTES; i++) {
        if (hex_value(nonce[i]) < 0)
            return false;
        run->nonce[i] = nonce[i];
    }
    run->nonce[2 * OT_NONCE_BYTES] = '\0';
    return true;
}

size_t ot_format_result(const struct ot_run_key *run, const char *lab, const char *test,
                        unsigned long long channel, const char *verdict, const char *text,
                        char *out, size_t cap)
{
    size_t text_len = strlen(text);
    uint64_t seal = ot_seal(run, lab, test, channel, verdict, text, text_len);
    int n = snprintf(out, cap, "%016llx %s\n%s", (unsigned long long)seal, verdict, text);
    if (n < 0)
        return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

enum ot_said ot_open_result(const struct ot_run_key *run, const char *lab, const char *test,
                            unsigned long long channel, const char *msg, size_t len,
                            const char **text)
{
    static const struct {
        const char *word;
        enum ot_said said;
    } verdicts[] = {{"PASS", OT_SAID_PASS}, {"FAIL", OT_SAID_FAIL}, {"ERROR", OT_SAID_ERROR}};
    *text = "";
    if (len == 0)
        return OT_SAID_NOTHING;
    const char *newline = memchr(msg, '\n', len);
    if (len < OT_SEAL_HEX + 2 || newline == NULL || msg[OT_SEAL_HEX] != ' ')
        return OT_SAID_FORGED;
    uint64_t seal = 0;
    for (size_t i = 0; i < OT_SEAL_HEX; i++) {
        int digit = hex_value(msg[i]);
        if (digit < 0)
            return OT_SAID_FORGED;
        seal = seal << 4 | (uint64_t)digit;
    }
    const char *word = msg + OT_SEAL_HEX + 1;
    size_t word_len = (size_t)(newline - word);
    for (size_t v = 0; v < sizeof verdicts / sizeof verdicts[0]; v++) {
        if (strlen(verdicts[v].word) != word_len || memcmp(word, verdicts[v].word, word_len) != 0)
            continue;
        const char *body = newline + 1;
        size_t body_len = len - (size_t)(body - msg);
        if (ot_seal(run, lab, test, channel, verdicts[v].word, body, body_len) != seal)
            return OT_SAID_FORGED;
        *text = body;
        return verdicts[v].said;
    }
    return OT_SAID_FORGED;
}
