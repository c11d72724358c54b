#!/bin/sh
# Every permission check lives in libbroker/core (ServerSession) and libbroker/security: a
# protocol module that authorises on its own is one that can forget to. Fails listing any
# authorisation call or Permission use elsewhere.
# Usage: permission_checks.sh <source root>
set -eu
cd "$1"
found=$(grep -rnE '(\.|->)authorize\(|Permission::' libbroker apps libclient libcommon \
  --include='*.cpp' --include='*.hpp' | grep -vE '^libbroker/(core|security)/' || true)
if [ -n "$found" ]; then
  echo "permission checks outside libbroker/core and libbroker/security:"
  echo "$found"
  exit 1
fi
echo "no permission checks outside libbroker/core and libbroker/security"
