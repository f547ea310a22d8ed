import {isEscalated} from '../../forum/rules.js';
import {THREAD_STATES, type Thread, type ThreadState} from '../../forum/types.js';
import {threadJson} from '../../service/json.js';
import {safeLine} from '../../text/safe-text.js';
import {ageSince} from '../../text/time.js';
import type {CommandSpec} from '../command.js';
import {integerFlag, statesFlag, stringFlag} from '../flags.js';

const OPEN_STATES = THREAD_STATES.filter((state) => state !== 'closed');

export const list: CommandSpec = {
	name: 'list',
	summary: 'list threads: urgent first, then the longest waiting',
	usage: `metawsm forum list [--state S[,S...]] [--all] [--ticket T] [--run-id R] [--limit N]

Without --state or --all, lists open threads (every state but closed).
! marks an escalated thread; WAIT is the time since its last update.

Example:
  metawsm forum list --state new,waiting_human --json`,
	flags: {
		state: {type: 'string', description: 'only these states (comma-separated)'},
		all: {type: 'boolean', description: 'include closed threads'},
		ticket: {type: 'string', description: 'only this ticket'},
		runId: {type: 'string', description: 'only this run'},
		limit: {type: 'string', description: 'at most N threads'},
	},
	async run(context) {
		const {flags} = context;
		const states: readonly ThreadState[] | undefined = statesFlag(flags) ?? (flags['all'] === true ? undefined : OPEN_STATES);
		const limit = integerFlag(flags, 'limit', {min: 1});
		const forum = await context.openForum();
		const threads = await forum.listThreads({states, ticket: stringFlag(flags, 'ticket'), runId: stringFlag(flags, 'runId'), limit});
		const now = forum.now();
		if (context.json) {
			context.printJson({threads: threads.map((thread) => threadJson(thread, now, forum.sla))});
			return 0;
		}
		if (threads.length === 0) {
			context.print('no threads');
			return 0;
		}
		context.print(formatTable(threads, now, (thread) => isEscalated(thread, now, forum.sla)));
		return 0;
	},
};

function clip(text: string, max: number): string {
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function formatTable(threads: Thread[], now: string, escalated: (thread: Thread) => boolean): string {
	const rows = threads.map((thread) => [
		thread.id,
		`${escalated(thread) ? '!' : ' '}${thread.priority}`,
		thread.state,
		clip(safeLine(thread.ticket), 20),
		clip(safeLine(thread.agentName), 16),
		String(thread.postsCount),
		ageSince(thread.updatedAt, now),
		thread.assignee ? clip(safeLine(thread.assignee.name), 16) : '-',
		clip(safeLine(thread.title), 80),
	]);
	const header = ['ID', ' PRIORITY', 'STATE', 'TICKET', 'AGENT', 'POSTS', 'WAIT', 'ASSIGNEE', 'TITLE'];
	const all = [header, ...rows];
	const widths = header.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
	const rightAligned = new Set([5, 6]);
	return all
		.map((row) =>
			row
				.map((cell, column) =>
					column === row.length - 1 ? cell : rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
				)
				.join('  ')
				.trimEnd(),
		)
		.join('\n');
}
