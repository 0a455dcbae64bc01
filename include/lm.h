/* lm.h: umbrella header for the LAN Manager (Net*) API this library provides. */
#ifndef WN_LM_H
#define WN_LM_H

#include "lmcons.h"
#include "lmerr.h"
#include "lmapibuf.h"
#include "lmshare.h"

#endif /* WN_LM_H */
