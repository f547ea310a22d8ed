import {ForumError} from '../../forum/errors.js';
import type {StoredEvent, Thread} from '../../forum/types.js';
import {feedOf, type ForumClient} from '../../service/client.js';
import {threadJson} from '../../service/json.js';
import {safeText} from '../../text/safe-text.js';
import type {CommandSpec} from '../command.js';
import type {Context} from '../context.js';
import {BODY_FLAGS, WRITE_FLAGS, bodyFlag, numberFlag, priorityFlag, requiredFlag, stringFlag} from '../flags.js';
import {runWrite} from '../write.js';

export const ask: CommandSpec = {
	name: 'ask',
	summary: 'open a question thread (agents); --wait blocks until it is answered',
	usage: `metawsm forum ask --ticket T --title TEXT (--body TEXT | --body-file FILE) [--priority P] [--wait [--timeout S]]

Prints the new thread id. With --wait, waits for an answer and prints its body instead
(the thread id goes to stderr); exits 1 if --timeout seconds pass first.

Example:
  metawsm forum ask --ticket OPS-7 --agent builder --title "May I drop legacy_users?" \\
    --body "No reads for 90 days." --priority high --wait --timeout 3600`,
	flags: {
		ticket: {type: 'string', description: 'ticket the question belongs to (required)'},
		runId: {type: 'string', description: 'metawsm run id'},
		agent: {type: 'string', description: 'agent name (default: the actor name)'},
		title: {type: 'string', description: 'one-line question (required)'},
		priority: {type: 'string', description: 'low | normal | high | urgent (default normal)'},
		threadId: {type: 'string', description: 'choose the thread id (default: generated)'},
		wait: {type: 'boolean', description: 'block until the thread is answered or closed'},
		timeout: {type: 'string', description: 'with --wait: give up after S seconds (exit 1)'},
		...BODY_FLAGS,
		...WRITE_FLAGS,
	},
	async run(context) {
		const {flags} = context;
		const ticket = requiredFlag(flags, 'ticket', 'name the ticket the question is about');
		const title = requiredFlag(flags, 'title', 'give the question in one line');
		const timeout = numberFlag(flags, 'timeout');
		if (timeout !== undefined && flags['wait'] !== true) throw new ForumError('usage', 'invalid_flag', '--timeout only applies with --wait');
		const body = bodyFlag(flags, () => context.readStdin());
		const priority = priorityFlag(flags, 'normal');
		const actor = context.actor('agent');
		const agentName = (stringFlag(flags, 'agent') ?? actor.name).trim();
		const threadId = stringFlag(flags, 'threadId')?.trim();
		const wait = flags['wait'] === true;
		const outcome = await runWrite(
			context,
			{type: 'ask', ticket, runId: stringFlag(flags, 'runId'), agentName, title, body, priority, threadId, actor},
			({threadId}) => threadId,
			{quiet: wait},
		);
		if (!wait) return 0;
		context.stderr.write(`metawsm forum ask: thread ${outcome.threadId} opened; waiting for an answer\n`);
		context.setTitle(`metawsm forum ask --wait ${outcome.threadId}`);
		const forum = await context.openForum();
		return waitForAnswer(context, forum, outcome.threadId, timeout);
	},
};

function finished(thread: Thread): boolean {
	return thread.state === 'answered' || thread.state === 'closed';
}

/** Block until the thread is answered or closed; print the answer. */
async function waitForAnswer(context: Context, forum: ForumClient, threadId: string, timeoutSeconds: number | undefined): Promise<number> {
	const controller = new AbortController();
	const stop = () => controller.abort();
	context.signal.addEventListener('abort', stop);
	let timedOut = false;
	const timer = timeoutSeconds === undefined ? undefined : setTimeout(() => ((timedOut = true), stop()), timeoutSeconds * 1000);
	try {
		// Subscribe from before the current state so no answer slips between read and subscribe.
		const cursor = await forum.lastSequence();
		const current = await forum.getThread(threadId);
		if (current && finished(current.thread)) return printAnswer(context, forum, threadId);
		const interesting = (event: StoredEvent) =>
			(event.event_type === 'forum.state.changed' && (event.payload.to_state === 'answered' || event.payload.to_state === 'closed')) ||
			event.event_type === 'forum.thread.closed';
		for await (const event of feedOf(forum, {after: cursor, filter: {threadId}, signal: controller.signal})) {
			if (interesting(event)) return printAnswer(context, forum, threadId);
		}
		if (timedOut) {
			throw new ForumError(
				'runtime',
				'timeout',
				`no answer on thread ${threadId} after ${timeoutSeconds} s; it stays open — wait again with \`metawsm forum thread --thread-id ${threadId}\``,
			);
		}
		throw new ForumError('runtime', 'interrupted', `stopped waiting for thread ${threadId}; it stays open`);
	} finally {
		if (timer) clearTimeout(timer);
		context.signal.removeEventListener('abort', stop);
	}
}

async function printAnswer(context: Context, forum: ForumClient, threadId: string): Promise<number> {
	const detail = await forum.getThread(threadId);
	if (!detail) throw new ForumError('refused', 'unknown_thread', `thread ${threadId} vanished while waiting`);
	// The answer is the latest post by someone other than an agent.
	const answer = [...detail.posts].reverse().find((post) => post.authorType !== 'agent');
	if (context.json) {
		context.printJson({
			thread_id: threadId,
			state: detail.thread.state,
			answer: answer ? {body: answer.body, author_type: answer.authorType, author_name: answer.authorName, created_at: answer.createdAt} : null,
			thread: threadJson(detail.thread, forum.now(), forum.sla),
		});
		return 0;
	}
	if (answer) context.print(safeText(answer.body, {multiline: true}));
	if (detail.thread.state === 'closed') {
		context.stderr.write(`metawsm forum ask: thread ${threadId} was closed${answer ? '' : ' without an answer'}\n`);
	}
	return 0;
}
