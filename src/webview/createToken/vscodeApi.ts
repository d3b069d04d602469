/**
 * The webview side of the message channel: `acquireVsCodeApi()` (once),
 * outbound messages typed by the protocol, inbound messages `safeParse`d and
 * dispatched, and persisted state parsed with `ViewStateSchema`. Browser only.
 */
import { parseExtensionMessage, type ExtensionToWebview, type WebviewToExtension } from '../../shared/protocol';
import { parseViewState, type ViewState } from './model';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

let counter = 0;

/** A fresh request id (`w-<random>-<n>`). */
export function newRequestId(): string {
  counter += 1;
  const rnd = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID().slice(0, 8) : Math.random().toString(36).slice(2, 10);
  return `w-${rnd}-${counter}`;
}

/** Messages the webview sends without their `requestId` (added here). */
export type Outbound = WebviewToExtension extends infer M ? (M extends { requestId: string } ? Omit<M, 'requestId'> : never) : never;

/** Sends a message to the extension; returns its request id. */
export function send(message: Outbound): string {
  const requestId = newRequestId();
  api.postMessage({ ...message, requestId });
  return requestId;
}

/**
 * Listens for messages from the extension. Messages that do not parse are
 * dropped and reported to the extension's log (type and path only, never values).
 */
export function onMessage(handler: (message: ExtensionToWebview) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const parsed = parseExtensionMessage(event.data);
    if (!parsed.ok) {
      send({ type: 'log', level: 'warn', message: `dropped ${parsed.reason}`.slice(0, 500) });
      return;
    }
    handler(parsed.message);
  });
}

/** The persisted view state, or `undefined` (missing or invalid). */
export function loadState(): ViewState | undefined {
  return parseViewState(api.getState());
}

/** Persists the view state. The type has no field for a token value, and the schema would reject one. */
export function saveState(state: ViewState | undefined): void {
  api.setState(state);
}
