// The reference of the activate() benchmark (scripts/bench.mjs): loaded and
// activated exactly like the extension under test, but does nothing.
'use strict';
exports.activate = function activate() {};
exports.deactivate = function deactivate() {};
