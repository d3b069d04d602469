import * as vscode from 'vscode';
import { PREFIX, Settings } from '../constants';
import { heartbeatUrlFor } from '../core/api/client';

/**
 * Reads a setting from the user (global) or default level only. Workspace and
 * folder values are ignored on purpose: a cloned repository must not be able to
 * point a stored credential at another server or weaken TLS (the settings are
 * also declared with application/machine scope in package.json).
 */
function userLevel<T>(key: string, fallback: T): T {
  const inspected = vscode.workspace.getConfiguration(PREFIX).inspect<T>(key);
  return (inspected?.globalValue ?? inspected?.defaultValue ?? fallback) as T;
}

/** The controller URL (`telegrafController.url`), trimmed, or undefined when unset. */
export function controllerUrl(): string | undefined {
  const url = userLevel<string>(Settings.url, '').trim();
  return url || undefined;
}

/** Saves the controller URL at the user (global) level. */
export async function setControllerUrl(url: string): Promise<void> {
  await vscode.workspace.getConfiguration(PREFIX).update(Settings.url, url, vscode.ConfigurationTarget.Global);
}

/** Network settings of the client: timeouts in ms, CA file path, origins allowed to skip TLS verification, proxy. */
export interface NetworkSettings {
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  caFile: string | undefined;
  allowUntrustedOrigins: string[];
  /** VS Code's `http.proxy`, or undefined (then HTTPS_PROXY/HTTP_PROXY from the environment apply). */
  proxy: string | undefined;
  /** VS Code's `http.proxyStrictSSL` (default true). */
  proxyStrictSSL: boolean;
}

/** Current network settings (user level only, see {@link userLevel}). */
export function networkSettings(): NetworkSettings {
  const http = vscode.workspace.getConfiguration('http');
  const caFile = userLevel<string>(Settings.caFile, '').trim();
  return {
    requestTimeoutMs: Math.max(1000, userLevel<number>(Settings.requestTimeoutMs, 15000)),
    connectTimeoutMs: Math.max(500, userLevel<number>(Settings.connectTimeoutMs, 10000)),
    caFile: caFile || undefined,
    allowUntrustedOrigins: userLevel<string[]>(Settings.allowUntrustedCertificates, []).filter((s) => typeof s === 'string'),
    proxy: (http.get<string>('proxy') ?? '').trim() || undefined,
    proxyStrictSSL: http.get<boolean>('proxyStrictSSL') ?? true,
  };
}

/** Seconds after which a copied token value is cleared from the clipboard (0 = never). */
export function clipboardClearSeconds(): number {
  return Math.max(0, userLevel<number>(Settings.clipboardClearSeconds, 60));
}

/** Raw value of `telegrafController.connections` (user level only; parsed by `core/connections.ts`). */
export function controllerConnectionsSetting(): unknown {
  return userLevel<unknown>(Settings.connections, []);
}

/**
 * Saves the named connections (`telegrafController.connections`) at the user
 * level and, when `clearUrl`, removes the single `telegrafController.url`.
 */
export async function saveControllerConnections(list: ReadonlyArray<{ name: string; url: string }>, clearUrl: boolean): Promise<void> {
  const config = vscode.workspace.getConfiguration(PREFIX);
  await config.update(Settings.connections, list.length ? list.map((c) => ({ name: c.name, url: c.url })) : undefined, vscode.ConfigurationTarget.Global);
  if (clearUrl) await config.update(Settings.url, undefined, vscode.ConfigurationTarget.Global);
}

/**
 * The controller's heartbeat address for the API URL `controllerUrl`: its host, the port of
 * `telegrafController.heartbeatPort` (user settings only; default 8000, docs/api-contract.md "Server and
 * ports"), path `/agents/heartbeat`. Throws `TypeError` for an unparsable URL.
 */
export function heartbeatUrl(controllerUrl: string): string {
  const port = Number(userLevel<number>(Settings.heartbeatPort, 8000));
  return heartbeatUrlFor(controllerUrl, Number.isInteger(port) && port >= 1 && port <= 65535 ? port : 8000);
}

/** Days before expiry from which a stored token counts as "expiring soon" (`telegrafController.expiryWarningDays`, default 7, 0–365). */
export function expiryWarningDays(): number {
  const d = Number(userLevel<number>(Settings.expiryWarningDays, 7));
  return Number.isFinite(d) ? Math.min(365, Math.max(0, d)) : 7;
}

/** Seconds between automatic refreshes of the token lists (`telegrafController.autoRefreshSeconds`); 0 = off (default). At least 15 when on. */
export function autoRefreshSeconds(): number {
  const s = Number(userLevel<number>(Settings.autoRefreshSeconds, 0));
  if (!Number.isFinite(s) || s <= 0) return 0;
  return Math.max(15, s);
}
