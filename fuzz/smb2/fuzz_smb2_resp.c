/* fuzz_smb2_resp.c: fuzz target for the SMB2 response header and body decoders (the IOCTL reply matcher included) and the TRANSFORM_HEADER decoder. */
#include <stddef.h>
#include <stdint.h>

#include "crypt.h"
#include "smb2.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > WN_SMB2_MAX_MESSAGE)
        return 0;
    (void)wn_smb2_any_resp_decode(data, size);
    /* the negotiate decoder also walks contexts whatever the command says */
    struct wn_smb2_negotiate_resp n;
    (void)wn_smb2_negotiate_resp_decode(data, size, &n);
    (void)wn_smb2_ioctl_resp_match(data, size, WN_SMB2_FSCTL_PIPE_TRANSCEIVE, NULL);
    struct wn_smb2_transform t;
    (void)wn_smb2_transform_decode(data, size, WN_SMB2_MAX_MESSAGE, &t);
    return 0;
}
