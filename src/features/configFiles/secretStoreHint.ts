/**
 * What to tell the user after a config starts reading the token from a
 * secret store (`@{store:key}`): the words and the command that put the value
 * where the agent runs, by store type (`secretValueCommand` in
 * core/telegraf/version.ts; README.md "Tokens in Telegraf configs").
 */
import * as vscode from 'vscode';
import { secretValueCommand } from '../../core/telegraf';

/** The sentence after "X now reads the token from @{…}." and the command to copy (none for a store Telegraf cannot write). */
export function secretStoreHint(
  fileName: string,
  configPath: string,
  store: { id: string; type?: string; passwordVar?: string },
  key: string,
): { message: string; command?: string } {
  const reference = `@{${store.id}:${key}}`;
  const cmd = secretValueCommand(store.type, configPath, store.id, key, store.passwordVar);
  if (!cmd)
    return {
      message: vscode.l10n.t(
        '{0} now reads the token from {1}. Store the value as "{2}" in that [[secretstores.{3}]] with its own tools (telegraf secrets set cannot write to it).',
        fileName,
        reference,
        key,
        store.type ?? '',
      ),
    };
  if (cmd.kind === 'docker')
    return {
      message: vscode.l10n.t(
        '{0} now reads the token from {1}, a Docker secret: /run/secrets/{2} in the container. "Copy Command" copies a command that asks for the value at a hidden prompt and writes it into the file {2} (mode 0600) for the service\'s secrets: (Compose file:); the container\'s user must be able to read it.',
        fileName,
        reference,
        key,
      ),
      command: cmd.command,
    };
  return {
    message: vscode.l10n.t(
      '{0} now reads the token from {1}. Store the value where the agent runs: "Copy Command" copies the command (it asks for the value at a hidden prompt).',
      fileName,
      reference,
    ),
    command: cmd.command,
  };
}
