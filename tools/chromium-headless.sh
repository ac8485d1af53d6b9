#!/bin/sh
# The browser Ace by DAISY's puppeteer starts (PUPPETEER_EXECUTABLE_PATH): Debian's Chromium
# with the flags this machine needs. Ace passes no way to add flags of our own.
exec /usr/bin/chromium --no-sandbox --disable-gpu --disable-component-update \
  --disable-background-networking --disable-sync "$@"
