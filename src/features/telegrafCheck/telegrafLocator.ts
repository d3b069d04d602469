/**
 * The user's own Telegraf: the `telegrafController.telegrafPath` setting
 * (user level only: a workspace never chooses a program to run), else
 * `telegraf` on PATH. Never downloaded. Nothing is run in an untrusted
 * workspace (Restricted Mode). `telegraf --version` is cached per path.
 */
import * as vscode from 'vscode';
import { findOnPath, telegrafVersion, TelegrafRunError, type TelegrafVersion } from '../../core/telegraf';
import { PREFIX, Settings } from '../../constants';

/** A usable Telegraf. */
export interface LocatedTelegraf {
  path: string;
  /** Where the path came from. */
  from: 'setting' | 'path';
  version: TelegrafVersion;
}

/** Thrown when no Telegraf may or can be run; the message says why and what to do. */
export class TelegrafUnavailable extends Error {
  override readonly name = 'TelegrafUnavailable';
  constructor(
    readonly reason: 'untrusted' | 'not-found' | 'broken',
    message: string,
  ) {
    super(message);
  }
}

/** `telegrafController.telegrafPath` at the user (global) or default level; workspace values are ignored. */
export function telegrafPathSetting(): string | undefined {
  const inspected = vscode.workspace.getConfiguration(PREFIX).inspect<string>(Settings.telegrafPath);
  const value = (inspected?.globalValue ?? inspected?.defaultValue ?? '').trim();
  return value || undefined;
}

/** Finds and identifies the user's Telegraf, caching `--version` per path. */
export class TelegrafLocator implements vscode.Disposable {
  private readonly versions = new Map<string, Promise<TelegrafVersion>>();
  private readonly sub: vscode.Disposable;

  /**
   * @param workspaceTrusted whether the workspace is trusted now; asked before
   *   every run (default: `vscode.workspace.isTrusted`).
   */
  constructor(private readonly workspaceTrusted: () => boolean = () => vscode.workspace.isTrusted) {
    this.sub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${PREFIX}.${Settings.telegrafPath}`)) this.versions.clear();
    });
  }

  dispose(): void {
    this.sub.dispose();
  }

  /**
   * The Telegraf to run. Throws `TelegrafUnavailable`: `untrusted` in
   * Restricted Mode, `not-found` when neither the setting nor PATH gives
   * one, `broken` when the program does not run or prints no version.
   */
  async locate(): Promise<LocatedTelegraf> {
    if (!this.workspaceTrusted()) {
      throw new TelegrafUnavailable(
        'untrusted',
        vscode.l10n.t('Restricted Mode: Telegraf is never run for an untrusted workspace. Trust the workspace to check configs with Telegraf.'),
      );
    }
    const configured = telegrafPathSetting();
    const found = configured ?? (await findOnPath());
    if (!found) {
      throw new TelegrafUnavailable(
        'not-found',
        vscode.l10n.t(
          'No Telegraf found: set "telegrafController.telegrafPath" to your telegraf binary, or put telegraf on the PATH. The extension never downloads Telegraf.',
        ),
      );
    }
    let pending = this.versions.get(found);
    if (!pending) {
      pending = telegrafVersion(found);
      this.versions.set(found, pending);
      pending.catch(() => this.versions.delete(found));
    }
    try {
      return { path: found, from: configured ? 'setting' : 'path', version: await pending };
    } catch (e) {
      const why = e instanceof TelegrafRunError ? e.message : String(e);
      throw new TelegrafUnavailable('broken', vscode.l10n.t('{0} cannot be used as Telegraf: {1}', found, why));
    }
  }

  /** Like `locate`, but `undefined` instead of throwing. */
  async tryLocate(): Promise<LocatedTelegraf | undefined> {
    try {
      return await this.locate();
    } catch {
      return undefined;
    }
  }
}
