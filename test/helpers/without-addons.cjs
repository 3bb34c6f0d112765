// Preloaded into a relay process (NODE_OPTIONS=--require): every native addon relay names through package.json
// `imports` (`#…-addon`) fails to resolve, as it does in an install whose addons were never built.
const Module = require('node:module');

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (/^#.*-addon$/.test(request)) throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
  return resolve.call(this, request, ...rest);
};
