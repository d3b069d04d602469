/**
 * Editor-free core for Telegraf configuration files: tolerant parsing with
 * positions (`parse.ts`), credential detection (`detect.ts`) and insertion
 * planning as offset-based text edits (`insert.ts`). No `vscode` import.
 */
export * from './types';
export * from './parse';
export * from './detect';
export * from './insert';
export * from './plugins';
export { BOM, computeLineStarts, decodeTomlString, detectEol, escapeBasicString, lineOf, quoteBasicString } from './text';
export { maskSubstitutions } from './scanner';
export * from './presetSuggestion';
export * from './envFile';
export * from './agentFiles';
