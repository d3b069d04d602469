import * as vscode from 'vscode';
import { redactSecrets } from '../core/redact';
import { LOG_CHANNEL_NAME } from '../constants';

/** The extension's log: one LogOutputChannel, every line passed through {@link redactSecrets}. */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
  /** Reveals the channel (never called automatically). */
  show(): void;
}

/**
 * Creates the log channel (`createOutputChannel(name, { log: true })`).
 * Messages are redacted of token values, authorization headers and cookies.
 */
export function createLogger(): Logger & vscode.Disposable {
  const channel = vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
  const clean = (m: string | Error): string =>
    redactSecrets(typeof m === 'string' ? m : `${m.name}: ${m.message}${m.stack ? `\n${m.stack.split('\n').slice(1, 6).join('\n')}` : ''}`);
  return {
    trace: (m) => channel.trace(clean(m)),
    debug: (m) => channel.debug(clean(m)),
    info: (m) => channel.info(clean(m)),
    warn: (m) => channel.warn(clean(m)),
    error: (m) => channel.error(clean(m)),
    show: () => channel.show(true),
    dispose: () => channel.dispose(),
  };
}
