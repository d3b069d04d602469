/**
 * The default sentence of each `ControllerError` kind (src/core/api/errors.ts),
 * used by the API client when nothing more specific is known. Kept apart from
 * the error class so that the class, which activation needs for `instanceof`
 * checks, loads without these texts (they load with the client).
 */
import type { ErrorKind } from './errors';

/**
 * Default sentence for each kind, used when nothing more specific is known.
 * Callers may prefer the server's message for `validation`/`conflict`.
 */
export const DEFAULT_USER_MESSAGES: Readonly<Record<ErrorKind, string>> = {
  'missing-auth': 'The controller did not accept the request because no credential was sent. Sign in again.',
  'invalid-token-format': 'The stored API token is not a Telegraf Controller token (it must start with tc-apiv1_). Set a new token.',
  'invalid-token': 'The controller rejected the API token: it is unknown, revoked or deleted, or its user is disabled. Sign in again or set a new token.',
  'token-expired': 'The API token has expired. Sign in again or set a new token.',
  'session-expired': 'Your session with the controller has ended. Sign in again.',
  forbidden: 'Your role or token does not allow this action on the controller.',
  'not-found': 'The controller does not know this item; it may have been deleted.',
  'route-missing': 'The controller does not offer this request (HTTP 404 for the route itself); it may run a different version than this extension expects.',
  validation: 'The controller rejected the request as invalid.',
  conflict: 'The controller reported a conflict with the current state; refresh and try again.',
  locked: 'The account is locked after too many failed sign-in attempts. Wait 15 minutes or ask an administrator.',
  'rate-limited': 'The controller is receiving too many requests. Try again shortly.',
  server: 'The controller reported an internal error. Try again later, or check the controller logs.',
  network: 'The connection to the controller failed. Check the network and the controller URL.',
  dns: 'The controller host name could not be resolved. Check telegrafController.url.',
  'connection-refused': 'Nothing is answering at the controller URL. Check that the controller is running and telegrafController.url is correct.',
  timeout: 'The controller did not answer in time. Check that it is reachable, or raise the timeout.',
  tls: "The controller's certificate is not trusted. Set telegrafController.caFile to your CA's PEM file, or (not recommended) allow an untrusted certificate for this connection.",
  protocol: 'The controller answered in a format this version does not understand.',
  proxy: 'The proxy refused or failed the connection to the controller. Check HTTPS_PROXY / http.proxy and NO_PROXY.',
};
