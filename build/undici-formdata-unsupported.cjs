// Stands in for undici/lib/web/fetch/body.js in the extension bundle (see
// esbuild.mjs). undici's HTTP/1 and HTTP/2 clients require that module only to
// encode a FormData request body; the extension's controller client sends
// JSON strings only, so this is unreachable — if it ever is reached, it fails
// loudly instead of pulling all of undici's fetch implementation (~40 KB) into
// the bundle.
'use strict';
module.exports.extractBody = function extractBody() {
  throw new TypeError('FormData request bodies are not supported by this build of the extension');
};
