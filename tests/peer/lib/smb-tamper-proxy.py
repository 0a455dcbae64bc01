#!/usr/bin/python3
# smb-tamper-proxy.py: command line of the SMB2 tampering proxy (tests/peer/lib/smb_tamper.py); --help lists the modes.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smb_tamper  # noqa: E402

smb_tamper.main()
