/* WinSNMP.h: the spelling the Windows SDK uses for winsnmp.h (code includes it in several spellings); the same header. */
#include "winsnmp.h"
