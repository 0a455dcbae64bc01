/* errors.c: names and messages of the internal WN_E_* error codes. */
#include "base.h"

const char *
wn_strerror(int err)
{
    switch (err) {
    case 0:
        return "success";
#define WN_E_MSG_(name, num, msg) case -(num): return msg;
        WN_ERRNO_MAP(WN_E_MSG_)
#undef WN_E_MSG_
    default:
        return "unknown error";
    }
}

const char *
wn_errname(int err)
{
    switch (err) {
    case 0:
        return "WN_OK";
#define WN_E_NAME_(name, num, msg) case -(num): return "WN_E_" #name;
        WN_ERRNO_MAP(WN_E_NAME_)
#undef WN_E_NAME_
    default:
        return "WN_E_UNKNOWN";
    }
}
