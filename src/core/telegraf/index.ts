/**
 * Editor-free core for the user's own Telegraf: version parsing and what each
 * version does with tokens (`version.ts`), whether a config fits a version
 * (`fit.ts`), running `telegraf --version` / `telegraf config check` on a
 * private copy (`run.ts`), mapping its output to lines (`checkOutput.ts`),
 * the schema-valid heartbeat of Test Token (`heartbeat.ts`), and the file
 * encodings Telegraf cannot read (`encoding.ts`). No `vscode` import.
 */
export * from './version';
export * from './fit';
export * from './run';
export * from './checkOutput';
export * from './heartbeat';
export * from './encoding';
