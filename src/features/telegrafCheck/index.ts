/**
 * "Check Config with Telegraf": runs the user's own `telegraf config check`
 * on a Telegraf config (the unsaved buffer, through a private temporary copy)
 * and shows what Telegraf reports in Problems with source `telegraf`, placed
 * on the line Telegraf names where it names one. Also on save when
 * `telegrafController.checkConfigOnSave` is on. Only in trusted workspaces.
 *
 * Version awareness: with a Telegraf found, configs are checked against its
 * version (heartbeat output since 1.37, `TELEGRAF_CONTROLLER_TOKEN` since
 * 1.39, strict env handling since 1.38) and the `envVarName` setting is
 * compared with what that Telegraf sends (see `core/telegraf/version.ts`).
 *
 * `telegraf config check` initialises every plugin and never starts one (no
 * input gathers, no output sends); it has a time limit (README "Check
 * Config with Telegraf").
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as ui from '../../infra/ui';
import { parseTelegrafConfig } from '../../core/config';
import {
  checkConfigText,
  configMisfits,
  DEFAULT_TELEGRAF_TIMEOUT_MS,
  envVarNameMisfit,
  parseCheckOutput,
  type TelegrafProblem,
  type VersionMisfit,
} from '../../core/telegraf';
import { Commands, PREFIX, Settings } from '../../constants';
import { registerCommand } from '../../infra/commands';
import type { Logger } from '../../infra/logger';
import { envVarName } from '../../infra/envVarSetting';
import { isTelegrafDocument, savedEncodingProblem } from '../../services/configDocuments';
import { TelegrafLocator, TelegrafUnavailable, telegrafPathSetting, type LocatedTelegraf } from './telegrafLocator';

/** Says why Telegraf cannot run, with a button to the setting that fixes it (not for Restricted Mode: trusting is the way). */
function showUnavailable(e: TelegrafUnavailable): void {
  if (e.reason === 'untrusted') {
    void ui.showWarningMessage(e.message);
    return;
  }
  const open = vscode.l10n.t('Open Setting');
  void ui.showWarningMessage(e.message, open).then((choice) => {
    if (choice === open) void vscode.commands.executeCommand('workbench.action.openSettings', `${PREFIX}.${Settings.telegrafPath}`);
  });
}

/** Diagnostic source of problems Telegraf itself reported. */
export const TELEGRAF_SOURCE = 'telegraf';
/** Diagnostic source of version-fit warnings (ours, about the user's Telegraf). */
export const VERSION_SOURCE = 'Telegraf Controller';

/** The result of one check (the command's return value, for tests). */
export interface TelegrafCheckResult {
  ok: boolean;
  telegrafVersion: string;
  problems: Array<TelegrafProblem>;
  misfits: Array<Pick<VersionMisfit, 'severity' | 'message'>>;
}

/** Whether checks on save are on (`telegrafController.checkConfigOnSave`, default off). */
function checkOnSave(): boolean {
  return vscode.workspace.getConfiguration(PREFIX).get<boolean>(Settings.checkConfigOnSave) ?? false;
}

function lineRange(doc: vscode.TextDocument, line: number): vscode.Range {
  const l = doc.lineAt(Math.min(Math.max(0, line), doc.lineCount - 1));
  const start = l.firstNonWhitespaceCharacterIndex;
  return new vscode.Range(l.lineNumber, start < l.text.length ? start : 0, l.lineNumber, l.text.length);
}

/** Runs checks and owns the `telegraf` diagnostics. */
export class TelegrafChecker implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(TELEGRAF_SOURCE);
  readonly locator = new TelegrafLocator();
  private readonly running = new Map<string, Promise<TelegrafCheckResult>>();
  private readonly warnedEnvVar = new Set<string>();
  private warnedMissing = false;

  private readonly settingsSub: vscode.Disposable;

  constructor(private readonly log: Logger) {
    this.settingsSub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${PREFIX}.${Settings.telegrafPath}`)) {
        this.log.info(`${PREFIX}.${Settings.telegrafPath} changed: Telegraf is now taken from ${telegrafPathSetting() ?? 'the PATH'}`);
      }
    });
  }

  dispose(): void {
    this.settingsSub.dispose();
    this.collection.dispose();
    this.locator.dispose();
  }

  /** Checks `doc` with `telegraf` (one run per document at a time) and publishes the diagnostics. */
  check(doc: vscode.TextDocument, telegraf: LocatedTelegraf): Promise<TelegrafCheckResult> {
    const key = doc.uri.toString();
    const pending = this.running.get(key);
    if (pending) return pending;
    const run = this.run(doc, telegraf).finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }

  private async run(doc: vscode.TextDocument, telegraf: LocatedTelegraf): Promise<TelegrafCheckResult> {
    const text = doc.getText();
    const version = doc.version;
    const name = path.basename(doc.fileName) || 'telegraf.conf';
    const cwd = doc.uri.scheme === 'file' ? path.dirname(doc.uri.fsPath) : undefined;
    const r = await checkConfigText(telegraf.path, text, name, { timeoutMs: DEFAULT_TELEGRAF_TIMEOUT_MS, ...(cwd ? { cwd } : {}) });
    const cfg = parseTelegrafConfig(text);
    const problems = parseCheckOutput(`${r.stdout}\n${r.stderr}`, { tempPath: r.tempPath, displayName: name, cfg, exitCode: r.exitCode });
    // Telegraf checked the text (as UTF-8); the file itself may be saved in an encoding Telegraf cannot read.
    const encoding = await savedEncodingProblem(doc);
    if (encoding)
      problems.unshift({
        severity: 'error',
        line: 0,
        located: true,
        message: vscode.l10n.t(
          '{0} is saved as {1}, which Telegraf cannot read (it reads configs as UTF-8): save it with the encoding UTF-8 (the encoding in the status bar, then "Save with Encoding").',
          name,
          encoding,
        ),
      });
    const misfits = configMisfits(cfg, telegraf.version);
    this.log.info(
      `telegraf ${telegraf.version.text} (${telegraf.path}) config check of ${vscode.workspace.asRelativePath(doc.uri)}: exit ${String(r.exitCode)}, ${problems.length} problem(s)`,
    );
    for (const p of problems) this.log.info(`  ${p.severity} line ${p.line + 1}: ${p.message}`);
    if (doc.version === version && !doc.isClosed) this.publish(doc, telegraf, problems, misfits);
    return {
      ok: r.exitCode === 0 && !problems.some((p) => p.severity === 'error'),
      telegrafVersion: telegraf.version.text,
      problems,
      misfits: misfits.map((m) => ({ severity: m.severity, message: m.message })),
    };
  }

  private publish(doc: vscode.TextDocument, telegraf: LocatedTelegraf, problems: TelegrafProblem[], misfits: VersionMisfit[]): void {
    const list: vscode.Diagnostic[] = [];
    for (const p of problems) {
      const d = new vscode.Diagnostic(
        lineRange(doc, p.line),
        p.located ? p.message : vscode.l10n.t('{0} (Telegraf did not say which line)', p.message),
        p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      d.source = TELEGRAF_SOURCE;
      d.code = `config check ${telegraf.version.text}`;
      list.push(d);
    }
    list.push(...this.misfitDiagnostics(doc, misfits));
    this.collection.set(doc.uri, list);
  }

  private misfitDiagnostics(doc: vscode.TextDocument, misfits: VersionMisfit[]): vscode.Diagnostic[] {
    return misfits.map((m) => {
      const d = new vscode.Diagnostic(
        new vscode.Range(doc.positionAt(m.range.start), doc.positionAt(m.range.end)),
        m.message,
        m.severity === 'error'
          ? vscode.DiagnosticSeverity.Error
          : m.severity === 'warning'
            ? vscode.DiagnosticSeverity.Warning
            : vscode.DiagnosticSeverity.Information,
      );
      d.source = VERSION_SOURCE;
      d.code = 'telegraf-version';
      return d;
    });
  }

  /**
   * Version awareness without running a check: publishes the version misfits
   * of `doc` (keeping Telegraf's own problems from the last check) and warns
   * once per Telegraf and name when the `envVarName` setting does not fit.
   * Silent when no Telegraf may or can be run.
   */
  async reviewVersionFit(doc: vscode.TextDocument): Promise<void> {
    const telegraf = await this.locator.tryLocate();
    if (!telegraf || doc.isClosed) return;
    const kept = (this.collection.get(doc.uri) ?? []).filter((d) => d.source === TELEGRAF_SOURCE);
    const misfits = this.misfitDiagnostics(doc, configMisfits(parseTelegrafConfig(doc.getText()), telegraf.version));
    this.collection.set(doc.uri, [...kept, ...misfits]);
    this.warnEnvVarName(telegraf);
  }

  /**
   * Drops Telegraf's own problems of `doc` after an edit: they describe the
   * text Telegraf checked, so their lines may no longer match (run the check
   * again, or save with checks on save). Version notes stay until the next review.
   */
  dropStaleProblems(doc: vscode.TextDocument): void {
    const list = this.collection.get(doc.uri);
    if (!list?.some((d) => d.source === TELEGRAF_SOURCE)) return;
    this.collection.set(
      doc.uri,
      list.filter((d) => d.source !== TELEGRAF_SOURCE),
    );
  }

  /** One warning per Telegraf version and setting value when `envVarName` does not fit. */
  warnEnvVarName(telegraf: LocatedTelegraf): void {
    const name = envVarName();
    const misfit = envVarNameMisfit(name, telegraf.version);
    const key = `${telegraf.path}\u0000${telegraf.version.text}\u0000${name}`;
    if (!misfit || this.warnedEnvVar.has(key)) return;
    this.warnedEnvVar.add(key);
    this.log.warn(misfit);
    const fix = vscode.l10n.t('Use INFLUX_TOKEN');
    const buttons = name === 'TELEGRAF_CONTROLLER_TOKEN' ? [fix] : [];
    void ui.showWarningMessage(misfit, ...buttons).then(async (choice) => {
      if (choice === fix) await vscode.workspace.getConfiguration(PREFIX).update(Settings.envVarName, 'INFLUX_TOKEN', vscode.ConfigurationTarget.Global);
    });
  }

  /** On save: a silent check when enabled; a missing Telegraf is said once per session. */
  async onSave(doc: vscode.TextDocument): Promise<void> {
    if (!checkOnSave() || !vscode.workspace.isTrusted || !isTelegrafDocument(doc)) return;
    let telegraf: LocatedTelegraf;
    try {
      telegraf = await this.locator.locate();
    } catch (e) {
      if (e instanceof TelegrafUnavailable && !this.warnedMissing) {
        this.warnedMissing = true;
        this.log.warn(e.message);
        showUnavailable(e);
      }
      return;
    }
    try {
      await this.check(doc, telegraf);
    } catch (e) {
      this.log.warn(`telegraf config check on save failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/**
 * Registers "Check Config with Telegraf", the opt-in check on save, and
 * version awareness on opened and saved Telegraf configs (trusted workspaces only).
 */
export function registerTelegrafCheck(log: Logger): vscode.Disposable[] {
  const checker = new TelegrafChecker(log);
  const review = (doc: vscode.TextDocument) => {
    if (vscode.workspace.isTrusted && isTelegrafDocument(doc)) void checker.reviewVersionFit(doc);
  };
  return [
    checker,
    vscode.workspace.onDidSaveTextDocument((doc) => {
      void checker.onSave(doc);
      if (!checkOnSave()) review(doc);
    }),
    vscode.workspace.onDidOpenTextDocument(review),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) checker.dropStaleProblems(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => checker.collection.delete(doc.uri)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => vscode.workspace.textDocuments.forEach(review)),
    registerCommand(
      Commands.checkConfigWithTelegraf,
      async (arg?: vscode.Uri | string): Promise<TelegrafCheckResult | undefined> => {
        let doc: vscode.TextDocument | undefined;
        if (arg) doc = await vscode.workspace.openTextDocument(typeof arg === 'string' ? vscode.Uri.parse(arg) : arg);
        else doc = vscode.window.activeTextEditor?.document;
        if (!doc || !isTelegrafDocument(doc)) {
          throw new Error(vscode.l10n.t('Open a Telegraf config (.conf or .toml), then run "Check Config with Telegraf" again.'));
        }
        let telegraf: LocatedTelegraf;
        try {
          telegraf = await checker.locator.locate();
        } catch (e) {
          // Not a failure of the extension: said as a warning with the way out, logged without a stack.
          if (!(e instanceof TelegrafUnavailable)) throw e;
          log.warn(e.message);
          showUnavailable(e);
          return undefined;
        }
        const target = doc;
        const name = path.basename(target.fileName);
        const result = await ui.withProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Telegraf {0}: checking {1}…', telegraf.version.text, name) },
          () => checker.check(target, telegraf),
        );
        checker.warnEnvVarName(telegraf);
        const count = result.problems.length;
        const notes = result.misfits.filter((m) => m.severity !== 'info').length;
        const infos = result.misfits.length - notes;
        const show = vscode.l10n.t('Show Problems');
        const onChoice = (choice: string | undefined) => {
          if (choice === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
        };
        if (count === 0 && notes === 0 && infos > 0) {
          void ui
            .showInformationMessage(
              vscode.l10n.t(
                'Telegraf {0} loads {1} without problems (config check initialises the plugins; it never starts them). A note about this Telegraf version is in Problems.',
                result.telegrafVersion,
                name,
              ),
              show,
            )
            .then(onChoice);
        } else if (count === 0 && notes === 0) {
          void ui.showInformationMessage(
            vscode.l10n.t(
              'Telegraf {0} loads {1} without problems (config check initialises the plugins; it never starts them).',
              result.telegrafVersion,
              name,
            ),
          );
        } else if (count === 0) {
          void ui
            .showWarningMessage(
              vscode.l10n.t(
                'Telegraf {0} loads {1}, but the file does not fit this Telegraf version (places: {2}): see Problems.',
                result.telegrafVersion,
                name,
                notes,
              ),
              show,
            )
            .then(onChoice);
        } else {
          void ui
            .showWarningMessage(
              count === 1
                ? vscode.l10n.t('Telegraf {0} reports 1 problem in {1}.', result.telegrafVersion, name)
                : vscode.l10n.t('Telegraf {0} reports {1} problems in {2}.', result.telegrafVersion, count, name),
              show,
            )
            .then(onChoice);
        }
        return result;
      },
      log,
    ),
  ];
}
