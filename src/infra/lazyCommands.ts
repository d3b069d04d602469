/**
 * Stand-ins for commands whose implementation is loaded on first use.
 *
 * `package.json` contributes every command, and VS Code activates the
 * extension when one is run; the implementations live in bundles that
 * activation does not load (esbuild.mjs, build/lazy-bundles.mjs). A stand-in
 * is registered for each contributed command that no loaded module has
 * registered. Running one loads the implementations (which register the real
 * commands), then runs the real command with the same arguments (a tree item
 * and the multi-selection are passed on as they are).
 */
import * as vscode from 'vscode';
import { registeredCommands } from './commandRegistry';

/** The stand-ins; `load()` runs a loader with them out of the way. */
export class CommandStandIns implements vscode.Disposable {
  private readonly standIns = new Map<string, vscode.Disposable>();

  /**
   * @param ids every contributed command id (`package.json` `contributes.commands`)
   * @param loadAll loads every lazily loaded feature (idempotent); called on the first run of a stand-in
   */
  constructor(
    private readonly ids: readonly string[],
    private readonly loadAll: () => void,
  ) {
    this.fill();
  }

  /**
   * Runs `loader` (which registers real commands) with the stand-ins removed,
   * then puts back stand-ins for the commands still missing. Throws what
   * `loader` throws.
   */
  load(loader: () => void): void {
    this.standIns.forEach((d) => d.dispose());
    this.standIns.clear();
    try {
      loader();
    } finally {
      this.fill();
    }
  }

  private fill(): void {
    for (const id of this.ids) {
      if (registeredCommands.has(id) || this.standIns.has(id)) continue;
      this.standIns.set(
        id,
        vscode.commands.registerCommand(id, (...args: unknown[]) => {
          this.load(this.loadAll);
          if (!registeredCommands.has(id)) throw new Error(vscode.l10n.t('The command {0} is not available.', id));
          return vscode.commands.executeCommand(id, ...args);
        }),
      );
    }
  }

  dispose(): void {
    this.standIns.forEach((d) => d.dispose());
    this.standIns.clear();
  }
}
