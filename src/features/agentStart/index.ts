/** Starting an agent from a controller configuration: the commands (see agentStartCommands.ts). */
export { registerAgentStart, type AgentStartArg, type AgentStartDeps } from './agentStartCommands';
