/**
 * The controller's configurations as an agent sees them (docs/api-contract.md "Routes"):
 * `GET /api/configs` lists them (`ControllerClient.listConfigs`,
 * `ConfigSummarySchema` in contract.ts), `GET /api/configs/:id/toml` serves
 * one as TOML to a token with configs:read. This file adds what starting an
 * agent needs: the download URL and a download made with the exact
 * `Authorization` header Telegraf sends. No `vscode` import.
 */
import type { ControllerClient } from './client';

/**
 * The URL an agent passes to `telegraf --config`: `<base>/api/configs/<id>/toml`
 * (docs/api-contract.md "How Telegraf uses a token"), the id percent-encoded.
 * Credentials, query and fragment of `baseUrl` are dropped. Throws `TypeError`
 * for an unparsable `baseUrl` and `RangeError` for a non-http(s) one or an empty id.
 */
export function configTomlUrl(baseUrl: string, configId: string): string {
  const u = new URL(baseUrl);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new RangeError('The controller URL must start with http:// or https://.');
  if (!configId) throw new RangeError('The configuration id is empty.');
  u.username = '';
  u.password = '';
  u.search = '';
  u.hash = '';
  return `${u.toString().replace(/\/+$/, '')}/api/configs/${encodeURIComponent(configId)}/toml`;
}

/**
 * Downloads configuration `configId` the way a Telegraf agent does: with
 * `Authorization: Bearer <token>` (Telegraf ≥ 1.39, `TELEGRAF_CONTROLLER_TOKEN`)
 * or `Authorization: Token <token>` (≤ 1.38, `INFLUX_TOKEN`), through `client`'s
 * controller and connection settings (TLS, proxy). Returns the TOML text.
 * Throws the client's `ControllerError`: 401 kinds (`missing-auth`,
 * `invalid-token-format`, `invalid-token`, `token-expired`), `forbidden` (403,
 * no configs:read), `not-found` (404), transport kinds.
 */
export async function fetchConfigAsAgent(client: ControllerClient, configId: string, token: string, scheme: 'Bearer' | 'Token'): Promise<string> {
  return client.withCredential({ kind: 'token', token, scheme }).getConfigToml(configId);
}
