// compat_wrapper.cpp: a program in the style of third-party C++ WinSNMP wrappers, which match a response to its target by the entity and context handles SnmpRecvMsg returns.
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

#include "win32_standin.h"

// Usage: compat_wrapper AGENT COMMUNITY.  Runs GETs over two targets (v1
// and v2c) of the same agent, several at once; exit 0 when every GET was
// answered, 1 otherwise.

class CSnmpTarget {
public:
    HSNMP_ENTITY m_hEntity = nullptr;
    HSNMP_CONTEXT m_hContext = nullptr;
    std::string m_name;
};

class CSnmpRequest {
public:
    CSnmpTarget *m_target = nullptr;
    smiINT32 m_id = 0;
    HANDLE m_hDone = nullptr;
    std::string m_value;
    SNMPAPI_STATUS m_error = 0;
};

class CSnmpManager {
public:
    bool Open()
    {
        if (SnmpStartup(&m_major, &m_minor, &m_level, &m_tmode, &m_rmode) == SNMPAPI_FAILURE)
            return false;
        m_hSession = SnmpCreateSession(nullptr, 0, &CSnmpManager::Callback, this);
        return m_hSession != nullptr;
    }

    void Close()
    {
        for (auto &t : m_targets) {
            SnmpFreeEntity(t.second->m_hEntity);
            SnmpFreeContext(t.second->m_hContext);
            delete t.second;
        }
        m_targets.clear();
        SnmpClose(m_hSession);
        SnmpCleanup();
    }

    CSnmpTarget *AddTarget(const char *address, const char *community, smiUINT32 mode)
    {
        SnmpSetTranslateMode(mode);
        CSnmpTarget *t = new CSnmpTarget;
        t->m_name = std::string(address) + (mode == SNMPAPI_UNTRANSLATED_V1 ? " v1" : " v2c");
        t->m_hEntity = SnmpStrToEntity(m_hSession, address);
        smiOCTETS c = {(smiUINT32)strlen(community), (smiLPBYTE)community};
        t->m_hContext = SnmpStrToContext(m_hSession, &c);
        SnmpSetTimeout(t->m_hEntity, 200);
        SnmpSetRetry(t->m_hEntity, 1);
        std::lock_guard<std::mutex> g(m_mu);
        m_targets[t->m_hEntity] = t;   // the map is keyed by the entity handle
        return t;
    }

    // Starts a GET; the request completes in the callback.
    CSnmpRequest *BeginGet(CSnmpTarget *t, const char *oidText)
    {
        smiOID oid;
        if (SnmpStrToOid(oidText, &oid) == SNMPAPI_FAILURE)
            return nullptr;
        HSNMP_VBL vbl = SnmpCreateVbl(m_hSession, &oid, nullptr);
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oid);
        HSNMP_PDU pdu = SnmpCreatePdu(m_hSession, SNMP_PDU_GET, 0, 0, 0, vbl);
        CSnmpRequest *r = new CSnmpRequest;
        r->m_target = t;
        r->m_hDone = CreateEventA(nullptr, FALSE, FALSE, nullptr);
        SnmpGetPduData(pdu, nullptr, &r->m_id, nullptr, nullptr, nullptr);
        {
            std::lock_guard<std::mutex> g(m_mu);
            m_pending[r->m_id] = r;
        }
        if (SnmpSendMsg(m_hSession, nullptr, t->m_hEntity, t->m_hContext, pdu) == SNMPAPI_FAILURE) {
            r->m_error = SnmpGetLastError(m_hSession);
            SetEvent(r->m_hDone);
        }
        SnmpFreePdu(pdu);
        SnmpFreeVbl(vbl);
        return r;
    }

    bool EndGet(CSnmpRequest *r, std::string &value)
    {
        bool ok = WaitForSingleObject(r->m_hDone, 5000) == WAIT_OBJECT_0 && r->m_error == 0;
        value = r->m_value;
        {
            std::lock_guard<std::mutex> g(m_mu);
            m_pending.erase(r->m_id);
        }
        CloseHandle(r->m_hDone);
        delete r;
        return ok;
    }

private:
    static SNMPAPI_STATUS CALLBACK Callback(HSNMP_SESSION hSession, HWND, UINT, WPARAM wParam,
                                            LPARAM lParam, LPVOID lpClientData)
    {
        static_cast<CSnmpManager *>(lpClientData)->OnNotify(hSession, wParam, lParam);
        return SNMPAPI_SUCCESS;
    }

    void OnNotify(HSNMP_SESSION hSession, WPARAM wParam, LPARAM lParam)
    {
        HSNMP_ENTITY hSrc = nullptr, hDst = nullptr;
        HSNMP_CONTEXT hCtx = nullptr;
        HSNMP_PDU hPdu = nullptr;
        SNMPAPI_STATUS rc = SnmpRecvMsg(hSession, &hSrc, &hDst, &hCtx, &hPdu);
        if (wParam != 0 || rc == SNMPAPI_FAILURE) {
            Complete((smiINT32)lParam, wParam ? (SNMPAPI_STATUS)wParam : SnmpGetLastError(hSession),
                     "");
        } else {
            // Which target answered?  The one whose entity and context the
            // response carries.
            CSnmpTarget *t = nullptr;
            {
                std::lock_guard<std::mutex> g(m_mu);
                auto it = m_targets.find(hSrc);
                if (it != m_targets.end() && it->second->m_hContext == hCtx)
                    t = it->second;
            }
            smiINT32 id = 0;
            HSNMP_VBL vbl = nullptr;
            SnmpGetPduData(hPdu, nullptr, &id, nullptr, nullptr, &vbl);
            if (t != nullptr) {
                smiOID name;
                smiVALUE value;
                std::string text;
                if (SnmpGetVb(vbl, 1, &name, &value) == SNMPAPI_SUCCESS) {
                    if (value.syntax == SNMP_SYNTAX_OCTETS)
                        text.assign((const char *)value.value.string.ptr, value.value.string.len);
                    else if (value.syntax == SNMP_SYNTAX_TIMETICKS)
                        text = std::to_string(value.value.uNumber);
                    else if (value.syntax == SNMP_SYNTAX_OID)
                        text = "oid";
                    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
                    if (value.syntax == SNMP_SYNTAX_OCTETS || value.syntax == SNMP_SYNTAX_OID)
                        SnmpFreeDescriptor(value.syntax, (smiLPOPAQUE)&value.value.string);
                }
                Complete(id, 0, text);
            }
            SnmpFreeVbl(vbl);
        }
        // Free what SnmpRecvMsg returned, as Microsoft's guide says.
        if (hSrc) SnmpFreeEntity(hSrc);
        if (hDst) SnmpFreeEntity(hDst);
        if (hCtx) SnmpFreeContext(hCtx);
        if (hPdu) SnmpFreePdu(hPdu);
    }

    void Complete(smiINT32 id, SNMPAPI_STATUS error, const std::string &value)
    {
        std::lock_guard<std::mutex> g(m_mu);
        auto it = m_pending.find(id);
        if (it == m_pending.end())
            return;
        it->second->m_error = error;
        it->second->m_value = value;
        SetEvent(it->second->m_hDone);
    }

    smiUINT32 m_major = 0, m_minor = 0, m_level = 0, m_tmode = 0, m_rmode = 0;
    HSNMP_SESSION m_hSession = nullptr;
    std::mutex m_mu;
    std::map<HSNMP_ENTITY, CSnmpTarget *> m_targets;
    std::map<smiINT32, CSnmpRequest *> m_pending;
};

int
main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s AGENT COMMUNITY\n", argv[0]);
        return 1;
    }
    CSnmpManager mgr;
    if (!mgr.Open())
        return 1;
    CSnmpTarget *targets[2] = {mgr.AddTarget(argv[1], argv[2], SNMPAPI_UNTRANSLATED_V1),
                               mgr.AddTarget(argv[1], argv[2], SNMPAPI_UNTRANSLATED_V2)};
    static const char *oids[] = {"1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.3.0"};
    int failures = 0, done = 0;
    for (int round = 0; round < 3 && failures == 0; round++) {
        CSnmpRequest *reqs[2][3];
        for (int t = 0; t < 2; t++)
            for (int o = 0; o < 3; o++)
                reqs[t][o] = mgr.BeginGet(targets[t], oids[o]);
        for (int t = 0; t < 2; t++) {
            for (int o = 0; o < 3; o++) {
                std::string v;
                if (reqs[t][o] == nullptr || !mgr.EndGet(reqs[t][o], v) || v.empty()) {
                    printf("%s %s: no answer\n", targets[t]->m_name.c_str(), oids[o]);
                    failures++;
                } else {
                    done++;
                    if (round == 0)
                        printf("%s %s = %s\n", targets[t]->m_name.c_str(), oids[o],
                               o == 1 ? "(sysDescr)" : v.c_str());
                }
            }
        }
    }
    mgr.Close();
    printf("wrapper: %d answered, %d failed\n", done, failures);
    return failures == 0 ? 0 : 1;
}
