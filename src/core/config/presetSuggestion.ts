/**
 * The least permissions a Telegraf config needs from a controller token, as a
 * create-form preset and a sentence saying why. Pure; no `vscode` import.
 *
 * Source: docs/api-contract.md "Tokens" (a Telegraf agent's token needs Configs: Read
 * and Heartbeat: Write) and "How Telegraf uses a token" (config download with
 * `TELEGRAF_CONTROLLER_TOKEN`; the `[[outputs.heartbeat]]` output).
 */
import type { PresetId } from '../permissions';
import { heartbeatOutputs, isTelegrafConfig } from './detect';
import { parseTelegrafConfig } from './parse';

/** A preset for the create form and the reason shown next to it. */
export interface PresetSuggestion {
  preset: PresetId;
  /** One sentence, e.g. `telegraf.conf has [[outputs.heartbeat]] (needs heartbeat:write) …`. */
  reason: string;
  /** A description to start from, when the suggestion knows what the token is for. */
  description?: string;
}

/**
 * Suggests the create-form preset for a token used by the Telegraf config
 * `text` (file `fileName`, for the sentence): the "Telegraf agent" preset
 * (configs:read + heartbeat:write) when the file is a Telegraf config with an
 * `[[outputs.heartbeat]]` or is served by the controller (an agent downloads
 * its config with the same token); `undefined` for other files.
 */
export function suggestPresetForConfig(fileName: string, text: string): PresetSuggestion | undefined {
  if (!isTelegrafConfig(fileName, text)) return undefined;
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const heartbeat = heartbeatOutputs(parseTelegrafConfig(text)).length > 0;
  return {
    preset: 'telegraf-agent',
    reason: heartbeat
      ? `${base} has [[outputs.heartbeat]] (needs heartbeat:write), and an agent downloads its config from the controller with the same token (needs configs:read).`
      : `${base} is a Telegraf config: an agent downloads its config from the controller (needs configs:read) and reports with [[outputs.heartbeat]] (needs heartbeat:write).`,
  };
}

/**
 * The create-form preset for a token that "Add Token to Deployment…" gives
 * the Telegraf agent of the deployment file `fileName` (Compose, Kubernetes,
 * Helm values, env file, systemd unit…): always the "Telegraf agent" preset,
 * with a sentence naming that file, never what another open editor suggests,
 * and a description naming it by `label` (its workspace path) and, once
 * known, the agent within it (`agent`, e.g. `service "telegraf"`), so two
 * agents of one file get tokens told apart in the explorer. The description
 * is cut to the contract's 255 characters.
 */
export function suggestPresetForDeployment(fileName: string, label = fileName.split(/[\\/]/).pop() ?? fileName, agent?: string): PresetSuggestion {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return {
    preset: 'telegraf-agent',
    description: `Telegraf agent (${agent ? `${label}, ${agent}` : label})`.slice(0, 255),
    reason: `A token for the Telegraf agent of ${base}: the agent downloads its config from the controller (needs configs:read) and reports with [[outputs.heartbeat]] (needs heartbeat:write).`,
  };
}
