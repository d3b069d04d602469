/**
 * Which commands have their real implementation registered: `registerCommand`
 * (infra/commands.ts) adds to it, the stand-ins of lazily loaded commands
 * (infra/lazyCommands.ts) read it. Its own module so that activation, which
 * registers only stand-ins, does not load the command machinery.
 */

/** Ids of the commands registered through `registerCommand` (infra/commands.ts) and not disposed. */
export const registeredCommands = new Set<string>();
