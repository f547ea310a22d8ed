import {parseFilter, type ThreadQuery} from '../../forum/filter.js';
import {isEscalated, isUnanswered, isUnseen} from '../../forum/rules.js';
import {defaultActorName} from '../../service/forum-service.js';
import {THREAD_STATES, type Thread, type ThreadState} from '../../forum/types.js';
import {threadJson} from '../../service/json.js';
import {safeLine} from '../../text/safe-text.js';
import {formatWait} from '../../text/time.js';
import {formatAge} from '../../forum/age.js';
import {isSnoozed} from '../../forum/snooze.js';
import type {CommandSpec} from '../command.js';
import {integerFlag, statesFlag, stringFlag, usage, type Flags} from '../flags.js';
import {checkLine, LIMITS} from '../../forum/validate.js';
import {partialJson, reportPartial} from '../partial.js';
import {PLAIN, type Paint} from '../color.js';

const OPEN_STATES = THREAD_STATES.filter((state) => state !== 'closed');
const DEFAULT_LIMIT = 200;

export const list: CommandSpec = {
	name: 'list',
	summary: 'list threads: urgent first, then the longest waiting',
	usage: `metawsm forum list [--filter "..."] [--state S[,S...]] [--all] [--ticket T] [--run-id R] [--limit N] [--viewer NAME [--unseen]]

Without --state, --all or a state: term, lists open threads (every state but closed), at most --limit
(default 200; a note on stderr, or "truncated": true in JSON, says when more match).
! marks an escalated thread; WAIT is how long the agent has waited (since its question or
its latest follow-up; assigning, priority changes and posts do not reset it), - when answered.
With --viewer, * marks a thread with events that viewer has not seen, and --json adds
"unseen" and "unanswered" (an agent spoke after the last human or operator). --unseen keeps
only unseen threads (viewer default: METAWSM_ACTOR_NAME or the OS user). list never marks
anything seen: \`metawsm forum thread --thread-id ID --viewer NAME\` does, like opening the
thread in the dashboard.

--filter takes the dashboard's / syntax (every term must hold):
  agent:etl ticket:OPS- assignee:me state:new,waiting_human priority:>=high escalated:yes
  plus words matched in the title, body, ticket or agent ("quoted words" keep spaces).
  agent:, ticket:, assignee: match the start of the name; assignee:me is --viewer (default
  METAWSM_ACTOR_NAME or the OS user), assignee:none unassigned; priority: takes =, >=, <=, >, <.

Example:
  metawsm forum list --state new,waiting_human --json
  metawsm forum list --filter "agent:etl priority:>=high"
  metawsm forum list --unseen --viewer ops`,
	flags: {
		filter: {type: 'string', description: 'the dashboard\'s filter: agent:etl priority:>=high words… (see above)'},
		state: {type: 'string', description: 'only these states (comma-separated)'},
		all: {type: 'boolean', description: 'include closed threads'},
		ticket: {type: 'string', description: 'only this ticket'},
		runId: {type: 'string', description: 'only this run'},
		limit: {type: 'string', description: `at most N threads (default ${DEFAULT_LIMIT}; 0 for all)`},
		viewer: {type: 'string', description: 'mark threads with events NAME has not seen (*)'},
		unseen: {type: 'boolean', description: 'only threads with events the viewer has not seen'},
	},
	async run(context) {
		const {flags} = context;
		const query = filterFlag(flags);
		// A state: term chooses the states itself (state:closed lists closed threads); --state narrows it.
		const states: readonly ThreadState[] | undefined = statesFlag(flags) ?? (flags['all'] === true || query?.states ? undefined : OPEN_STATES);
		// A terminal cannot show 10k rows usefully; --limit 0 lists everything.
		const limitFlag = integerFlag(flags, 'limit', {min: 0}) ?? DEFAULT_LIMIT;
		const limit = limitFlag === 0 ? undefined : limitFlag;
		const fetch = limit === undefined ? undefined : limit + 1;
		const unseenOnly = flags['unseen'] === true;
		const viewer = viewerFlag(flags, unseenOnly);
		const forum = await context.openForum();
		const me = viewer ?? defaultActorName();
		const filter = {
			states,
			ticket: stringFlag(flags, 'ticket'),
			runId: stringFlag(flags, 'runId'),
			...(query ? {query: {query, me, now: forum.now(), sla: forum.sla}} : {}),
		};
		let seen: Map<string, number> | undefined;
		const unseen = (thread: Thread) => isUnseen(thread, seen?.get(thread.id));
		// Seen marks of the listed threads only: never every thread the viewer ever opened.
		const seenOf = async (listed: Thread[]) => (viewer === undefined ? undefined : forum.seenCursors(viewer, {threadIds: listed.map((thread) => thread.id)}));
		let threads: Thread[];
		if (unseenOnly) {
			// Filter before the limit: --limit counts unseen threads.
			threads = await forum.listThreads(filter);
			seen = await seenOf(threads);
			threads = threads.filter(unseen);
			if (fetch !== undefined) threads = threads.slice(0, fetch);
		} else {
			threads = await forum.listThreads({...filter, limit: fetch});
			seen = await seenOf(threads);
		}
		const truncated = limit !== undefined && threads.length > limit;
		if (truncated) threads = threads.slice(0, limit);
		const now = forum.now();
		if (context.json) {
			context.printJson({
				...(viewer === undefined ? {} : {viewer}),
				truncated,
				...partialJson(forum),
				threads: threads.map((thread) => ({
					...threadJson(thread, now, forum.sla),
					...(viewer === undefined ? {} : {unseen: unseen(thread), unanswered: isUnanswered(thread), seen_sequence: seen!.get(thread.id) ?? 0}),
				})),
			});
			return reportPartial(context, forum, 0);
		}
		if (threads.length === 0) {
			context.print(unseenOnly ? `no unseen threads for ${safeLine(viewer!)}` : 'no threads');
			return reportPartial(context, forum, 0);
		}
		context.print(formatTable(threads, now, (thread) => isEscalated(thread, now, forum.sla), viewer === undefined ? undefined : unseen, await context.paint()));
		if (truncated) context.stderr.write(`note: more threads match; showing the first ${limit} (--limit N for more, --limit 0 for all)\n`);
		return reportPartial(context, forum, 0);
	},
};

function clip(text: string, max: number): string {
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `--filter "..."`, parsed by the dashboard's parser; a bad one is bad usage (exit 2) naming the problem. */
function filterFlag(flags: Flags): ThreadQuery | undefined {
	const raw = stringFlag(flags, 'filter');
	if (raw === undefined) return undefined;
	const parsed = parseFilter(raw);
	if (!parsed.ok) throw usage('invalid_filter', `--filter: ${parsed.error.message}`);
	return parsed.query;
}

/** `--viewer NAME`; with `--unseen` and no name, the actor name. */
function viewerFlag(flags: Flags, required: boolean): string | undefined {
	const raw = stringFlag(flags, 'viewer');
	if (raw === undefined) return required ? defaultActorName() : undefined;
	const name = raw.trim();
	const bad = checkLine('--viewer', name, LIMITS.nameChars);
	if (bad) throw usage('invalid_flag', bad.message);
	return name;
}

/** The list table; with `unseen`, a leading * marks threads the viewer has not seen. Colour (paint) goes on after padding. */
export function formatTable(
	threads: Thread[],
	now: string,
	escalated: (thread: Thread) => boolean,
	unseen?: (thread: Thread) => boolean,
	paint: Paint = PLAIN,
): string {
	const rows = threads.map((thread) => [
		unseen ? `${unseen(thread) ? '*' : ' '}${thread.id}` : thread.id,
		`${escalated(thread) ? '!' : ' '}${thread.priority}`,
		thread.state,
		clip(safeLine(thread.ticket), 20),
		clip(safeLine(thread.agentName), 16),
		String(thread.postsCount),
		formatWait(thread, now),
		thread.assignee ? clip(safeLine(thread.assignee.name), 16) : '-',
		`${isSnoozed(thread, now) ? `[snoozed ${formatAge(Date.parse(thread.snoozedUntil!) - Date.parse(now))}] ` : ''}${clip(safeLine(thread.title), 80)}`,
	]);
	const header = [unseen ? ' ID' : 'ID', ' PRIORITY', 'STATE', 'TICKET', 'AGENT', 'POSTS', 'WAIT', 'ASSIGNEE', 'TITLE'];
	const all = [header, ...rows];
	const widths = header.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
	const rightAligned = new Set([5, 6]);
	const style = (row: number, column: number, cell: string): string => {
		if (paint.level === 0) return cell;
		if (row === 0) return paint.dim(cell);
		const thread = threads[row - 1]!;
		if (column === 1) {
			const mark = cell.slice(0, 1);
			return `${mark === '!' ? paint.escalated(mark) : mark}${paint.priority(thread.priority, cell.slice(1))}`;
		}
		if (column === 2) return paint.state(thread.state, cell);
		if (column === 0 && unseen?.(thread)) return paint.bold(cell);
		return cell;
	};
	return all
		.map((row, index) =>
			row
				.map((cell, column) =>
					style(index, column, column === row.length - 1 ? cell : rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)),
				)
				.join('  ')
				.trimEnd(),
		)
		.join('\n');
}
