// Stands in for undici/lib/dispatcher/client-h2.js in the extension bundle
// (see esbuild.mjs). undici negotiates HTTP/2 only when a dispatcher is created
// with `allowH2: true` (ALPN offers just http/1.1 otherwise); the extension
// never sets it, so this is unreachable — if it ever is reached, it fails
// loudly.
'use strict';
module.exports = async function connectH2() {
  throw new TypeError('HTTP/2 (allowH2) is not supported by this build of the extension');
};
