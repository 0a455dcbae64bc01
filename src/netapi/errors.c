/* errors.c: the single mapping of internal errors, NTSTATUS, DCE faults and WERROR to NET_API_STATUS. */
#include "netapi.h"

#include "lmerr.h"
#include "smb2.h"

uint32_t
wn_netapi_map_err(int err)
{
    switch (err) {
    case WN_OK: return NERR_Success;
    case WN_E_NOMEM: return ERROR_NOT_ENOUGH_MEMORY;
    case WN_E_INVAL: return ERROR_INVALID_PARAMETER;
    /* A local setting refused before anything was sent: never a server's
     * answer, so it cannot be taken for ERROR_ACCESS_DENIED. */
    case WN_E_CONFIG: return ERROR_BAD_ENVIRONMENT;
    /* The server cannot be reached or named: what Windows reports for a
     * computer that does not answer. */
    case WN_E_RESOLVE:
    case WN_E_CONNREFUSED:
    case WN_E_UNREACHABLE:
    case WN_E_TIMEOUT: return ERROR_BAD_NETPATH;
    case WN_E_AUTH: return ERROR_LOGON_FAILURE;
    case WN_E_ACCESS: return ERROR_ACCESS_DENIED;
    /* A reply whose signature did not verify: the connection is dropped. */
    case WN_E_SIGNATURE: return ERROR_UNEXP_NET_ERR;
    case WN_E_CLOSED:
    case WN_E_IO: return ERROR_NETNAME_DELETED;
    case WN_E_TRUNCATED:
    case WN_E_MALFORMED:
    case WN_E_LIMIT: return RPC_X_BAD_STUB_DATA;
    case WN_E_PROTOCOL: return RPC_S_PROTOCOL_ERROR;
    case WN_E_UNSUPPORTED: return ERROR_NOT_SUPPORTED;
    case WN_E_NOTFOUND: return ERROR_BAD_NET_NAME;
    default: return NERR_InternalError;
    }
}

uint32_t
wn_netapi_map_ntstatus(uint32_t st)
{
    switch (st) {
    case WN_SMB2_STATUS_SUCCESS: return NERR_Success;
    case WN_SMB2_STATUS_LOGON_FAILURE:
    case WN_SMB2_STATUS_NO_SUCH_USER:
    case WN_SMB2_STATUS_WRONG_PASSWORD:
        return ERROR_LOGON_FAILURE;
    case WN_SMB2_STATUS_ACCOUNT_RESTRICTION: return ERROR_ACCOUNT_RESTRICTION;
    case WN_SMB2_STATUS_PASSWORD_EXPIRED: return ERROR_PASSWORD_EXPIRED;
    case WN_SMB2_STATUS_ACCOUNT_DISABLED: return ERROR_ACCOUNT_DISABLED;
    case WN_SMB2_STATUS_ACCOUNT_LOCKED_OUT: return ERROR_ACCOUNT_LOCKED_OUT;
    case WN_SMB2_STATUS_ACCESS_DENIED:
        return ERROR_ACCESS_DENIED;
    case WN_SMB2_STATUS_BAD_NETWORK_NAME: /* no IPC$ */
        return ERROR_BAD_NET_NAME;
    case WN_SMB2_STATUS_OBJECT_NAME_NOT_FOUND: /* no srvsvc pipe */
        return RPC_S_SERVER_UNAVAILABLE;
    case WN_SMB2_STATUS_NO_MEMORY:
    case WN_SMB2_STATUS_INSUFFICIENT_RESOURCES:
        return ERROR_NOT_ENOUGH_MEMORY;
    case WN_SMB2_STATUS_INVALID_PARAMETER: return ERROR_INVALID_PARAMETER;
    case WN_SMB2_STATUS_NOT_SUPPORTED: return ERROR_NOT_SUPPORTED;
    case WN_SMB2_STATUS_INVALID_SIGNATURE: return ERROR_UNEXP_NET_ERR;
    case WN_SMB2_STATUS_USER_SESSION_DELETED:
    case WN_SMB2_STATUS_CONNECTION_DISCONNECTED:
    case WN_SMB2_STATUS_LOCAL_DISCONNECT:
    case WN_SMB2_STATUS_REMOTE_DISCONNECT:
    case WN_SMB2_STATUS_PIPE_DISCONNECTED:
    case WN_SMB2_STATUS_PIPE_BROKEN:
        return ERROR_NETNAME_DELETED;
    case WN_SMB2_STATUS_CONNECTION_REFUSED:
    case WN_SMB2_STATUS_NETWORK_UNREACHABLE:
    case WN_SMB2_STATUS_HOST_UNREACHABLE:
    case WN_SMB2_STATUS_IO_TIMEOUT:
        return ERROR_BAD_NETPATH;
    default: return ERROR_UNEXP_NET_ERR;
    }
}

uint32_t
wn_netapi_map_fault(uint32_t fault)
{
    switch (fault) {
    case 0x00000005u: return ERROR_ACCESS_DENIED;
    case 0x1C010002u: return RPC_S_PROCNUM_OUT_OF_RANGE; /* nca_op_rng_error */
    case 0x1C010003u: return RPC_S_UNKNOWN_IF;           /* nca_unk_if */
    case 0x1C01000Bu: return RPC_S_PROTOCOL_ERROR;       /* nca_proto_error */
    case 0x000006F7u: return RPC_X_BAD_STUB_DATA;
    case 0x00000008u: return ERROR_NOT_ENOUGH_MEMORY;
    default: return RPC_S_CALL_FAILED;
    }
}

uint32_t
wn_netapi_map_transport(int err)
{
    switch (err) {
    case WN_E_TIMEOUT: return ERROR_SEM_TIMEOUT;       /* it stopped answering */
    case WN_E_CLOSED:
    case WN_E_IO:
    case WN_E_STATE: return ERROR_NETNAME_DELETED;     /* reset or closed */
    case WN_E_LIMIT: return ERROR_INVALID_DATA;        /* frame over the size limit */
    case WN_E_NOMEM: return ERROR_NOT_ENOUGH_MEMORY;
    default: return ERROR_UNEXP_NET_ERR;               /* garbage, bad signature */
    }
}

uint32_t
wn_netapi_status(int err, const struct wn_netapi_wire *wire)
{
    if (err == 0)
        return wire != NULL ? wire->werror : NERR_Success;
    if (wire != NULL && wire->fault != 0)
        return wn_netapi_map_fault(wire->fault);
    /* Whatever the way a host fails before it has answered one SMB2
     * NEGOTIATE, it is the same: not a reachable SMB server. */
    if (wire != NULL && wire->not_smb)
        return ERROR_BAD_NETPATH;
    if (wire != NULL && wire->ntstatus != 0)
        return wn_netapi_map_ntstatus(wire->ntstatus);
    if (wire != NULL && wire->transport_err != 0)
        return wn_netapi_map_transport(wire->transport_err);
    return wn_netapi_map_err(err);
}
