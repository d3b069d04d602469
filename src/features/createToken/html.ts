/**
 * The static HTML of the "Create API Token" webview. No data goes into it:
 * the form is built by the script after the `ready` handshake. One nonce per
 * render on every `<script>` and `<link rel=stylesheet>`; the CSP is
 * `default-src 'none'` with no `'unsafe-inline'` and no `'unsafe-eval'`.
 *
 * No `vscode` import, so the page can be rendered outside VS Code (preview,
 * tests).
 */
import { randomBytes } from 'node:crypto';

/** Inputs of the page: the webview's CSP source and the URIs of its resources (as strings). */
export interface CreateTokenHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** A fresh nonce (see `newNonce`). */
  nonce: string;
  /** URI of dist/webview/createToken.js. */
  scriptUri: string;
  /** URI of media/createToken.css. */
  styleUri: string;
  /** URI of dist/codicons/codicon.css. */
  codiconUri: string;
  /** The page title in the display language (default `Create API Token`). */
  title?: string;
  /** BCP 47 tag of the display language (`vscode.env.language`; default `en`). */
  lang?: string;
}

/** A fresh CSP nonce: 18 random bytes, base64 (24 characters). */
export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Content-Security-Policy of the page. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The page, in the display language (`lang`, `title`); the script is an ES module. */
export function renderCreateTokenHtml(i: CreateTokenHtmlInput): string {
  const n = attr(i.nonce);
  return `<!DOCTYPE html>
<html lang="${attr(i.lang ?? 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(i.cspSource, i.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${n}" href="${attr(i.codiconUri)}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" nonce="${n}" href="${attr(i.styleUri)}">
<title>${attr(i.title ?? 'Create API Token')}</title>
</head>
<body>
<main id="app"></main>
<script type="module" nonce="${n}" src="${attr(i.scriptUri)}"></script>
</body>
</html>`;
}
