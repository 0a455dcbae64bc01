echo "netsess: not yet"; exit 77
