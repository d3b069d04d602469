// The parts of undici@6 the extension uses, for the extension bundle only
// (esbuild.mjs aliases `undici` to this file; tests under node and the
// unit tests import the full package). undici@6 has no `exports` map, so its
// lib/ files can be required directly; this file reproduces what its
// index.js does for these exports, nothing else:
//
//   Dispatcher, Agent, ProxyAgent, errors            the same classes/objects
//   Dispatcher.prototype.{request,connect}             (index.js assigns all of lib/api;
//                                                      ProxyAgent needs connect; src/
//                                                      calls neither stream, pipeline
//                                                      nor upgrade)
//   request(url, opts)                                 index.js's makeDispatcher(api.request)
//   getGlobalDispatcher, setGlobalDispatcher           lib/global.js
//
// Left out: fetch/WebSocket/EventSource/caches/cookies/mocks/interceptors,
// ~300 KB minified. esbuild.mjs also replaces two modules undici requires but
// the extension never reaches: lib/web/fetch/body.js (FormData bodies) and
// lib/dispatcher/client-h2.js (HTTP/2, only negotiated with `allowH2: true`,
// which src/ never sets), each by a stub that throws if called. Keep the export list in sync with what src/ imports
// from 'undici': a missing one is a build error ("No matching export").
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import Agent from 'undici/lib/dispatcher/agent.js';
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js';
import errors from 'undici/lib/core/errors.js';
import util from 'undici/lib/core/util.js';
import apiRequest from 'undici/lib/api/api-request.js';
import apiConnect from 'undici/lib/api/api-connect.js';
import globalDispatcher from 'undici/lib/global.js';

Object.assign(Dispatcher.prototype, { request: apiRequest, connect: apiConnect });

const { InvalidArgumentError } = errors;
const { getGlobalDispatcher, setGlobalDispatcher } = globalDispatcher;

// Copied from undici@6.29.1 index.js (makeDispatcher), unchanged.
function makeDispatcher(fn) {
  return (url, opts, handler) => {
    if (typeof opts === 'function') {
      handler = opts;
      opts = null;
    }

    if (!url || (typeof url !== 'string' && typeof url !== 'object' && !(url instanceof URL))) {
      throw new InvalidArgumentError('invalid url');
    }

    if (opts != null && typeof opts !== 'object') {
      throw new InvalidArgumentError('invalid opts');
    }

    if (opts && opts.path != null) {
      if (typeof opts.path !== 'string') {
        throw new InvalidArgumentError('invalid opts.path');
      }

      let path = opts.path;
      if (!opts.path.startsWith('/')) {
        path = `/${path}`;
      }

      url = new URL(util.parseOrigin(url).origin + path);
    } else {
      if (!opts) {
        opts = typeof url === 'object' ? url : {};
      }

      url = util.parseURL(url);
    }

    const { agent, dispatcher = getGlobalDispatcher() } = opts;

    if (agent) {
      throw new InvalidArgumentError('unsupported opts.agent. Did you mean opts.client?');
    }

    return fn.call(
      dispatcher,
      {
        ...opts,
        origin: url.origin,
        path: url.search ? `${url.pathname}${url.search}` : url.pathname,
        method: opts.method || (opts.body ? 'PUT' : 'GET'),
      },
      handler,
    );
  };
}

export const request = makeDispatcher(apiRequest);
export { Dispatcher, Agent, ProxyAgent, errors, getGlobalDispatcher, setGlobalDispatcher };
