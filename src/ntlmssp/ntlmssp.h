/* ntlmssp.h: contract of the ntlmssp layer: NTLMv2 client (MS-NLMP), NTLM signing, and the SPNEGO (RFC 4178) wrapping SMB2 uses. */
#ifndef WN_NTLMSSP_H
#define WN_NTLMSSP_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"

/* ------------------------------------------------------------------------
 * Named limits (untrusted input).
 * ---------------------------------------------------------------------- */
#define WN_NTLMSSP_MAX_MSG 8192          /* largest CHALLENGE accepted */
#define WN_NTLMSSP_MAX_TARGET_INFO 4096  /* largest TargetInfo (AV pairs) */
#define WN_NTLMSSP_MAX_AV_PAIRS 64       /* most AV pairs in TargetInfo */
#define WN_NTLMSSP_MAX_NAME 1024         /* user/domain/workstation, UTF-8 bytes */
#define WN_NTLMSSP_MAX_PASSWORD 1024     /* password, UTF-8 bytes */
#define WN_NTLMSSP_OUT_MAX 16384         /* max size of any message we produce */
#define WN_NTLMSSP_SIG_LEN 16            /* NTLMSSP_MESSAGE_SIGNATURE */

/* NegotiateFlags (MS-NLMP 2.2.2.5). */
#define WN_NTLMSSP_NEGOTIATE_UNICODE 0x00000001u
#define WN_NTLMSSP_NEGOTIATE_OEM 0x00000002u
#define WN_NTLMSSP_REQUEST_TARGET 0x00000004u
#define WN_NTLMSSP_NEGOTIATE_SIGN 0x00000010u
#define WN_NTLMSSP_NEGOTIATE_SEAL 0x00000020u
#define WN_NTLMSSP_NEGOTIATE_NTLM 0x00000200u
#define WN_NTLMSSP_NEGOTIATE_ANONYMOUS 0x00000800u
#define WN_NTLMSSP_NEGOTIATE_ALWAYS_SIGN 0x00008000u
#define WN_NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000u
#define WN_NTLMSSP_NEGOTIATE_TARGET_INFO 0x00800000u
#define WN_NTLMSSP_NEGOTIATE_VERSION 0x02000000u
#define WN_NTLMSSP_NEGOTIATE_128 0x20000000u
#define WN_NTLMSSP_NEGOTIATE_KEY_EXCH 0x40000000u
#define WN_NTLMSSP_NEGOTIATE_56 0x80000000u
/* What the client asks for by default (UNICODE, REQUEST_TARGET, NTLM,
 * SIGN, ALWAYS_SIGN, EXTENDED_SESSIONSECURITY, TARGET_INFO, VERSION, 128,
 * KEY_EXCH, 56). */
#define WN_NTLMSSP_CLIENT_FLAGS 0xE2888215u

/* AV pair ids (MS-NLMP 2.2.2.1). */
enum wn_ntlmssp_av {
    WN_NTLMSSP_AV_EOL = 0,
    WN_NTLMSSP_AV_NB_COMPUTER = 1,
    WN_NTLMSSP_AV_NB_DOMAIN = 2,
    WN_NTLMSSP_AV_DNS_COMPUTER = 3,
    WN_NTLMSSP_AV_DNS_DOMAIN = 4,
    WN_NTLMSSP_AV_DNS_TREE = 5,
    WN_NTLMSSP_AV_FLAGS = 6,
    WN_NTLMSSP_AV_TIMESTAMP = 7,
    WN_NTLMSSP_AV_SINGLE_HOST = 8,
    WN_NTLMSSP_AV_TARGET_NAME = 9,
    WN_NTLMSSP_AV_CHANNEL_BINDINGS = 10,
};

/* ------------------------------------------------------------------------
 * CHALLENGE decoding (exposed for tests and fuzzing).  All views borrow
 * the message buffer.
 * ---------------------------------------------------------------------- */
struct wn_ntlmssp_challenge {
    uint32_t flags;
    uint8_t server_challenge[8];
    const uint8_t *target_name;   /* UTF-16LE or OEM per flags; may be NULL */
    size_t target_name_len;
    const uint8_t *target_info;   /* AV pairs including EOL; may be NULL */
    size_t target_info_len;       /* bytes up to and including MsvAvEOL */
    size_t av_count;              /* pairs before EOL */
    int has_timestamp;            /* MsvAvTimestamp present */
    uint64_t timestamp;           /* its FILETIME value */
    int has_av_flags;             /* MsvAvFlags present */
    uint32_t av_flags;
};

/* Parses a CHALLENGE_MESSAGE: signature, type 2, every field's offset and
 * length inside the message and under the limits above, AV pairs well
 * formed (each inside TargetInfo, ended by MsvAvEOL or the field's end).
 * 0, WN_E_TRUNCATED, WN_E_MALFORMED or WN_E_LIMIT. */
int wn_ntlmssp_challenge_decode(const uint8_t *msg, size_t len, struct wn_ntlmssp_challenge *out);

/* ------------------------------------------------------------------------
 * NTLMv2 client.
 * ---------------------------------------------------------------------- */
struct wn_ntlmssp_creds {
    const char *user;         /* UTF-8, borrowed; NULL or "" = anonymous */
    const char *domain;       /* UTF-8, borrowed; NULL = "" */
    const char *password;     /* UTF-8, borrowed; NULL = "" */
    const char *workstation;  /* UTF-8, borrowed; NULL = "" */
};

struct wn_ntlmssp;

/* Copies what it needs from c (user, domain, workstation; of the password
 * only the NT hash MD4(UTF-16LE(password)) is kept).  *out is owned:
 * wn_ntlmssp_free.  WN_E_INVAL (bad UTF-8, over WN_NTLMSSP_MAX_*), NOMEM. */
int wn_ntlmssp_client_new(const struct wn_ntlmssp_creds *c, struct wn_ntlmssp **out);

/* Optional, before wn_ntlmssp_negotiate.  target: "cifs/<server>" sent as
 * MsvAvTargetName (UTF-8, copied); NULL to clear. */
int wn_ntlmssp_set_target_name(struct wn_ntlmssp *n, const char *target);
/* Test/debug hooks: replace the NegotiateFlags the client asks for and the
 * VERSION it announces (default WN_NTLMSSP_CLIENT_FLAGS, 6.1.7600). */
void wn_ntlmssp_set_flags(struct wn_ntlmssp *n, uint32_t flags);
void wn_ntlmssp_set_version(struct wn_ntlmssp *n, uint8_t major, uint8_t minor, uint16_t build);

/* Appends the NEGOTIATE_MESSAGE to out (borrowed, caller frees) and keeps a
 * copy for the MIC.  Once only (else WN_E_STATE). */
int wn_ntlmssp_negotiate(struct wn_ntlmssp *n, struct wn_dynbuf *out);

/* Parses the server's CHALLENGE (borrowed, untrusted) and appends the
 * AUTHENTICATE_MESSAGE to out.  NTLMv2 response over the server's AV pairs
 * (+ MsvAvFlags 0x2 and a MIC when the server sent MsvAvTimestamp, whose
 * value is then the blob time and the LMv2 response is Z(24); otherwise the
 * time is wn_clock_filetime() and LMv2 is sent), + MsvAvTargetName when
 * set.  With KEY_EXCH the exported session key is wn_random() and travels
 * RC4-encrypted under the key-exchange key.  Anonymous: ANONYMOUS flag,
 * LM = Z(1), NT empty, no key exchange, no MIC.  Client flags in the
 * message = requested flags the server also set (REQUEST_TARGET kept).
 * WN_E_STATE if out of order, decode errors from the CHALLENGE,
 * WN_E_PROTOCOL if the server refused NTLM or UNICODE. */
int wn_ntlmssp_authenticate(struct wn_ntlmssp *n, const uint8_t *challenge, size_t len,
                            struct wn_dynbuf *out);

/* The exported session key (the SMB2 session key) after authenticate.
 * WN_E_STATE before authenticate; WN_E_NOTFOUND for anonymous (no key). */
int wn_ntlmssp_session_key(const struct wn_ntlmssp *n, uint8_t key[16]);
/* 1 when the AUTHENTICATE carried a MIC (SPNEGO must then send a
 * mechListMIC), else 0. */
int wn_ntlmssp_mic_sent(const struct wn_ntlmssp *n);
/* The negotiated flags (those sent in AUTHENTICATE); 0 before. */
uint32_t wn_ntlmssp_flags(const struct wn_ntlmssp *n);

/* NTLM session security with EXTENDED_SESSIONSECURITY (MS-NLMP 3.4.4.2),
 * after authenticate: sign a message we send (client signing key, client
 * sealing RC4 handle when KEY_EXCH, our sequence number, which then
 * increments) or verify one the server sent (server keys and sequence).
 * sig is 16 bytes.  WN_E_STATE before authenticate or when anonymous,
 * WN_E_UNSUPPORTED without ESS, WN_E_SIGNATURE on mismatch (verify). */
int wn_ntlmssp_sign(struct wn_ntlmssp *n, const uint8_t *msg, size_t len,
                    uint8_t sig[WN_NTLMSSP_SIG_LEN]);
int wn_ntlmssp_verify(struct wn_ntlmssp *n, const uint8_t *msg, size_t len,
                      const uint8_t sig[WN_NTLMSSP_SIG_LEN]);
/* Sealing (confidentiality, GSS_WrapEx): encrypts msg in place with the
 * client sealing handle, then signs the plaintext as wn_ntlmssp_sign. */
int wn_ntlmssp_seal(struct wn_ntlmssp *n, uint8_t *msg, size_t len,
                    uint8_t sig[WN_NTLMSSP_SIG_LEN]);

/* Wipes every key and frees; NULL is a no-op. */
void wn_ntlmssp_free(struct wn_ntlmssp *n);

/* NTOWFv2 = HMAC-MD5(MD4(UTF-16LE(password)), UTF-16LE(UPPER(user) || domain)).
 * Exposed for the MS-NLMP vectors.  WN_E_INVAL on bad UTF-8. */
int wn_ntlmssp_ntowfv2(const char *user, const char *domain, const char *password,
                       uint8_t out[16]);

/* ------------------------------------------------------------------------
 * SPNEGO (RFC 4178) with NTLMSSP as the only mechanism.
 * ---------------------------------------------------------------------- */
#define WN_SPNEGO_MAX_TOKEN 16384        /* largest SPNEGO token accepted */

enum wn_spnego_state {
    WN_SPNEGO_ACCEPT_COMPLETED = 0,
    WN_SPNEGO_ACCEPT_INCOMPLETE = 1,
    WN_SPNEGO_REJECT = 2,
    WN_SPNEGO_REQUEST_MIC = 3,
    WN_SPNEGO_STATE_ABSENT = -1,
};

/* Parsed NegTokenResp; views borrow the token. */
struct wn_spnego_resp {
    int neg_state;                /* enum wn_spnego_state */
    int mech_is_ntlmssp;          /* supportedMech present and = NTLMSSP */
    int has_mech;                 /* supportedMech present */
    const uint8_t *token;         /* responseToken or NULL */
    size_t token_len;
    const uint8_t *mic;           /* mechListMIC or NULL */
    size_t mic_len;
};

/* The DER MechTypeList we send: SEQUENCE { OID 1.3.6.1.4.1.311.2.2.10 }
 * (what the mechListMIC covers).  Returned pointer is static. */
const uint8_t *wn_spnego_mech_types(size_t *len);

/* Appends GSS InitialContextToken{SPNEGO, NegTokenInit{mechTypes,
 * mechToken}} to out. */
int wn_spnego_wrap_init(const uint8_t *mech_token, size_t len, struct wn_dynbuf *out);
/* Appends NegTokenResp{[responseToken], [mechListMIC]} (either may be
 * NULL/0) to out. */
int wn_spnego_wrap_resp(const uint8_t *token, size_t token_len, const uint8_t *mic,
                        size_t mic_len, struct wn_dynbuf *out);
/* Parses a server NegTokenResp ([1] ...); also accepts it inside a GSS
 * 0x60 wrapper.  Untrusted: bounded, WN_SPNEGO_MAX_TOKEN. */
int wn_spnego_parse_resp(const uint8_t *p, size_t len, struct wn_spnego_resp *out);
/* Checks a server's NegTokenInit/NegTokenInit2 (SMB2 NEGOTIATE response
 * buffer) lists NTLMSSP: 0 if so, WN_E_UNSUPPORTED if not, decode errors. */
int wn_spnego_check_init2(const uint8_t *p, size_t len);

/* SPNEGO client driving NTLMSSP, for SMB2 SESSION_SETUP:
 *   step(NULL or the NEGOTIATE response's buffer) -> token 1 (NegTokenInit)
 *   step(server token 1)  -> token 2 (AUTHENTICATE [+ mechListMIC])
 *   step(server token 2, the final SESSION_SETUP response's buffer; may be
 *        empty) -> no output, *done = 1 (mechListMIC verified when sent).
 * *done is 0 while more legs follow.  WN_E_AUTH when the server rejects,
 * WN_E_SIGNATURE when its mechListMIC is wrong, WN_E_UNSUPPORTED when it
 * does not offer/choose NTLMSSP. */
struct wn_spnego;
int wn_spnego_client_new(const struct wn_ntlmssp_creds *c, struct wn_spnego **out);
/* The inner NTLMSSP context (borrowed; set_target_name, set_flags...). */
struct wn_ntlmssp *wn_spnego_ntlmssp(struct wn_spnego *s);
int wn_spnego_client_step(struct wn_spnego *s, const uint8_t *in, size_t inlen,
                          struct wn_dynbuf *out, int *done);
int wn_spnego_session_key(const struct wn_spnego *s, uint8_t key[16]);
void wn_spnego_free(struct wn_spnego *s);

#endif /* WN_NTLMSSP_H */
