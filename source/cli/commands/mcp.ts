import {checkLine, LIMITS} from '../../forum/validate.js';
import type {CommandSpec} from '../command.js';
import type {Context} from '../context.js';
import {stringFlag, usage} from '../flags.js';
import {VERSION} from '../main.js';

export const mcp: CommandSpec = {
	name: 'mcp',
	summary: 'an MCP server on stdio (agents): ask_human, wait_for_answer, post_update, get_thread, list_my_threads',
	usage: `metawsm forum mcp [--ticket T] [--agent NAME] [--run-id R] [--db FILE | --remote]

Speaks the Model Context Protocol on stdin/stdout; an MCP client (the agent's harness) starts
it. ask_human opens a question and waits up to wait_seconds (default 50) for the decision,
then returns it, or {status: "waiting", thread_id} to continue with wait_for_answer. Ticket,
agent and run default from the flags or METAWSM_TICKET, METAWSM_AGENT, METAWSM_RUN_ID; the
actor is the agent (or --actor-name / METAWSM_ACTOR_NAME). Inside tmux, questions record the
agent's pane for the dashboard.

Example (an mcpServers entry runs this):
  metawsm forum mcp --ticket OPS-7 --agent builder`,
	flags: {
		ticket: {type: 'string', description: 'default ticket of the questions (env METAWSM_TICKET)'},
		agent: {type: 'string', description: 'agent name (env METAWSM_AGENT; default the actor name)'},
		runId: {type: 'string', description: 'metawsm run id (env METAWSM_RUN_ID)'},
		actorName: {type: 'string', description: 'actor name of the posts (env METAWSM_ACTOR_NAME; default the agent name)'},
	},
	async run(context) {
		const defaults = mcpDefaults(context);
		// Loaded only here: the SDK is parsed by this command alone.
		const {runMcpServer} = await import('../../mcp/server.js');
		return runMcpServer(context, {version: VERSION, defaults});
	},
};

function line(name: string, value: string | undefined, max: number): string | undefined {
	const trimmed = value?.trim();
	if (!trimmed) return undefined;
	const bad = checkLine(name, trimmed, max);
	if (bad) throw usage('invalid_flag', bad.message);
	return trimmed;
}

/** Ticket, run and agent from flags, then METAWSM_TICKET / METAWSM_RUN_ID / METAWSM_AGENT. */
function mcpDefaults(context: Context) {
	const {flags, env} = context;
	const ticket = line('--ticket', stringFlag(flags, 'ticket') ?? env['METAWSM_TICKET'], LIMITS.ticketChars);
	const runId = line('--run-id', stringFlag(flags, 'runId') ?? env['METAWSM_RUN_ID'], LIMITS.ticketChars);
	const explicitActor = line('--actor-name', stringFlag(flags, 'actorName') ?? env['METAWSM_ACTOR_NAME'], LIMITS.nameChars);
	const agent = line('--agent', stringFlag(flags, 'agent') ?? env['METAWSM_AGENT'], LIMITS.nameChars) ?? context.actor('agent').name;
	return {ticket, runId, agent, actor: {type: 'agent' as const, name: explicitActor ?? agent}};
}
