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

/**
 * The host of `url` when it is not the host of `controllerUrl`, else
 * undefined (also for a URL that does not parse or holds a `${…}`/`@{…}`
 * substitution, which only the agent can resolve). Loopback names
 * (`localhost`, `127.x`, `[::1]`) count as one host: an agent on the
 * controller's machine may name it either way.
 */
export function otherHostThan(url: string, controllerUrl: string): string | undefined {
  if (/[$@]\{/.test(url)) return undefined;
  const host = (u: string) => {
    const h = new URL(u).hostname.toLowerCase();
    return h === 'localhost' || h.endsWith('.localhost') || h === '[::1]' || /^127\./.test(h) ? 'loopback' : h;
  };
  try {
    return host(url) !== host(controllerUrl) ? new URL(url).hostname : undefined;
  } catch {
    return undefined;
  }
}
