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
        '{0} now reads the token from {1}, a Docker secret: Telegraf reads /run/secrets/{2} in its container. Give the Telegraf service the secret "{2}" (Compose: secrets: with file:, or docker secret create {2} - in Swarm); the command writes the value into the file {2}, readable only by you (mode 0600): run the service as your user (user: in Compose, as the docker secret store\'s README does) or give the file to the container\'s user. {3}',
        fileName,
        reference,
        key,
        cmd.command,
      ),
      command: cmd.command,
    };
  return {
    message: vscode.l10n.t('{0} now reads the token from {1}. Store the value on the agent with: {2}', fileName, reference, cmd.command),
    command: cmd.command,
  };
}
