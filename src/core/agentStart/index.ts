/**
 * Starting a Telegraf agent from a controller configuration: the start-text
 * generators, the token variable by Telegraf version, and the pre-deploy
 * check. Editor-free (see README "Starting an agent from a controller config").
 */
export * from './tokenVariable';
export * from './generators';
export * from './check';
