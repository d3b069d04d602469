/**
 * Telegraf Controller configuration URLs (docs/api-contract.md routes:
 * `GET /api/configs` and `GET /api/configs/:id/toml`). A module of its own so
 * that code without the TOML parser (deployment files) can use it. Pure; no
 * `vscode` import.
 */

/** `/api/configs` or `/api/configs/<id>/toml` in a URL. */
const CONFIG_URL_RE = /^https?:\/\/[^\s/]+(?:\/[^\s]*)?\/api\/configs(?:\/[^/\s?#]+\/toml)?(?:[?#][^\s]*)?$/i;

/** Whether `url` is a Telegraf Controller config URL (`…/api/configs[/<id>/toml]`). */
export function isControllerConfigUrl(url: string): boolean {
  return CONFIG_URL_RE.test(url.trim());
}
