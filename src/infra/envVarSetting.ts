/**
 * The `telegrafController.envVarName` setting: the variable `${VAR}`
 * references name. Kept apart from infra/settings.ts because only the
 * config-file features read it (loaded on first use).
 */
import * as vscode from 'vscode';
import { PREFIX, Settings } from '../constants';
import { checkEnvVarName } from '../core/envVarName';
import { displayText } from '../core/text';
import * as ui from './ui';

/** Refused `envVarName` values already reported in this window (each is reported once). */
const reportedEnvVarNames = new Set<string>();

/**
 * Env var name for `${VAR}` references (`telegrafController.envVarName`).
 * A value refused by {@link checkEnvVarName} (not `[A-Z_][A-Z0-9_]*`, or a
 * name like `PATH`, `LD_*`, `NODE_OPTIONS` that changes how programs run) is
 * not used: the default `TELEGRAF_CONTROLLER_TOKEN` is, and a warning says so
 * (once per value and window).
 */
export function envVarName(): string {
  const fallback = 'TELEGRAF_CONTROLLER_TOKEN';
  const raw = vscode.workspace.getConfiguration(PREFIX).get<unknown>(Settings.envVarName);
  const name = typeof raw === 'string' ? raw : fallback;
  const check = checkEnvVarName(name);
  if (check.ok) return name;
  if (!reportedEnvVarNames.has(name)) {
    reportedEnvVarNames.add(name);
    const reason =
      check.problem === 'not-plain'
        ? vscode.l10n.t('it is not a plain environment variable name (capital letters, digits and "_", not starting with a digit)')
        : vscode.l10n.t('this variable changes how programs run or where they connect, a token must not be put into it');
    void ui.showWarningMessage(
      vscode.l10n.t('The setting telegrafController.envVarName "{0}" is not used: {1}. Using {2} instead.', displayText(name, 60), reason, fallback),
    );
  }
  return fallback;
}
