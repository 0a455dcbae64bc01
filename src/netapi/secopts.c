/* secopts.c: the SMB security knobs (NETAPI_ENCRYPT, NETAPI_SIGNING, NETAPI_MIN_DIALECT, NETAPI_ANONYMOUS) and the no-silent-anonymous rule. */
#include <stdlib.h>
#include <string.h>

#include "netapi.h"
#include "smb2.h"

#define SECOPTS_MAX_CHOICES 16

struct choice {
    const char *name;
    int value;
};

/* One line on stderr, worded as every refused NETAPI_* setting is. */
static int
refuse(const char *var, const char *val, const char *accepts)
{
    wn_netapi_config_refused("%s=%s refused: expected %s", var, val, accepts);
    return WN_E_CONFIG;
}

/* Looks the variable up in choices (first entry = the default when unset or
 * empty); 0 or WN_E_CONFIG (refused, one line on stderr). */
static int
knob(const char *var, const struct choice *choices, size_t n, const char *accepts, int *out)
{
    const char *v = getenv(var);
    *out = choices[0].value;
    if (v == NULL || *v == '\0')
        return 0;
    for (size_t i = 0; i < n && i < SECOPTS_MAX_CHOICES; i++) {
        if (strcmp(v, choices[i].name) == 0) {
            *out = choices[i].value;
            return 0;
        }
    }
    return refuse(var, v, accepts);
}

static const struct choice encrypt_choices[] = {
    { "auto", WN_SMB2_ENCRYPT_AUTO },
    { "required", WN_SMB2_ENCRYPT_REQUIRED },
    { "off", WN_SMB2_ENCRYPT_OFF },
};
static const struct choice signing_choices[] = {
    { "on", WN_SMB2_SIGN_DEFAULT },
    { "off", WN_SMB2_SIGN_OFF },
};
/* Both spellings: MS-SMB2's numbers and Samba's protocol names. */
static const struct choice dialect_choices[] = {
    { "3.0", WN_SMB2_DIALECT_300 },     { "2.0.2", WN_SMB2_DIALECT_202 },
    { "2.1", WN_SMB2_DIALECT_210 },     { "3.0.2", WN_SMB2_DIALECT_302 },
    { "3.1.1", WN_SMB2_DIALECT_311 },   { "SMB2_02", WN_SMB2_DIALECT_202 },
    { "SMB2_10", WN_SMB2_DIALECT_210 }, { "SMB3_00", WN_SMB2_DIALECT_300 },
    { "SMB3_02", WN_SMB2_DIALECT_302 }, { "SMB3_11", WN_SMB2_DIALECT_311 },
};
static const struct choice anonymous_choices[] = {
    { "off", 0 },
    { "on", 1 },
};
#define DIALECT_ACCEPTS "2.0.2, 2.1, 3.0, 3.0.2, 3.1.1 (or SMB2_02, SMB2_10, SMB3_00, " \
                        "SMB3_02, SMB3_11)"

/* Anonymous only when asked for: a password without a user name, or no
 * credentials at all, is an error and never an anonymous logon. */
static int
check_anonymous(const struct wn_netapi_creds *creds, int asked)
{
    int have_user = creds != NULL && creds->user != NULL && creds->user[0] != '\0';
    const char *env_pw = getenv("NETAPI_PASSWORD");
    if (have_user) {
        if (asked) {
            wn_netapi_config_refused("NETAPI_ANONYMOUS=on refused: a user name is configured "
                                     "too; expected one or the other");
            return WN_E_CONFIG;
        }
        return 0;
    }
    if ((creds != NULL && creds->password != NULL && creds->password[0] != '\0') ||
        (env_pw != NULL && env_pw[0] != '\0')) {
        wn_netapi_config_refused("a password is set but the user name (NETAPI_USER) is "
                                 "empty: refused, not logged on anonymously");
        return WN_E_AUTH;
    }
    if (!asked) {
        wn_netapi_config_refused("no credentials (NETAPI_USER and NETAPI_PASSWORD, "
                                 "NETAPI_AUTHFILE, or wn_netapi_set_credentials); an anonymous "
                                 "logon needs NETAPI_ANONYMOUS=on");
        return WN_E_AUTH;
    }
    return 0;
}

int
wn_netapi_secopts_apply(const struct wn_netapi_creds *creds, struct wn_smb2_opts *o)
{
    int encrypt, sign, anon, lo;
    int rc = knob("NETAPI_ENCRYPT", encrypt_choices, WN_ARRAY_SIZE(encrypt_choices),
                  "required, auto or off", &encrypt);
    if (rc == 0)
        rc = knob("NETAPI_SIGNING", signing_choices, WN_ARRAY_SIZE(signing_choices),
                  "on or off", &sign);
    if (rc == 0)
        rc = knob("NETAPI_MIN_DIALECT", dialect_choices, WN_ARRAY_SIZE(dialect_choices),
                  DIALECT_ACCEPTS, &lo);
    if (rc == 0)
        rc = knob("NETAPI_ANONYMOUS", anonymous_choices, WN_ARRAY_SIZE(anonymous_choices),
                  "on or off", &anon);
    if (rc == 0)
        rc = check_anonymous(creds, anon);
    if (rc != 0)
        return rc;
    o->encrypt = encrypt;
    o->sign_mode = sign;
    o->min_dialect = (uint16_t)lo;
    o->anonymous = anon;
    if (anon) {
        o->user = "";
        o->password = "";
    }
    return 0;
}
