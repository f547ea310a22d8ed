/**
 * What `ask --wait` and `wait` hand an agent: the decision on stdout, and an exit code a shell
 * can branch on (0 answered/approved, 4 not approved, 124 timed out, 3 closed unanswered).
 */
import {decisionOf} from '../forum/answers.js';
import {ForumError} from '../forum/errors.js';
import type {Thread} from '../forum/types.js';
import {awaitDecision} from '../service/await-decision.js';
import type {ForumClient} from '../service/client.js';
import {waitResultJson} from '../service/json.js';
import {isSnoozed, snoozeRemainingSeconds} from '../forum/snooze.js';
import {safeLine, safeText} from '../text/safe-text.js';
import {ageSince} from '../text/time.js';
import type {Context} from './context.js';
import {stringFlag} from './flags.js';

export const EXIT_DENIED = 4;
export const EXIT_TIMEOUT = 124;

/** Quote a shell word only when it needs it. */
function shellWord(word: string): string {
	return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The exact `wait` command that picks up where this one stopped (same database or Redis). */
export function nextWaitCommand(context: Context, threadId: string, timeoutSeconds: number | undefined): string {
	const words = ['metawsm', 'forum', 'wait', '--thread-id', threadId];
	const db = stringFlag(context.flags, 'db');
	if (db !== undefined) words.push('--db', db);
	if (context.isRemote()) {
		words.push('--remote');
		const redis = stringFlag(context.flags, 'redis');
		if (redis !== undefined) words.push('--redis', redis);
	}
	if (timeoutSeconds) words.push('--timeout', String(timeoutSeconds));
	if (context.json) words.push('--json');
	return words.map(shellWord).join(' ');
}

/** Exit code for a settled thread's decision. */
export function decisionExitCode(thread: Thread): number {
	const decision = decisionOf(thread);
	if (!decision) return 3;
	// Only an explicit approval grants a permission: a denial, or words instead of a yes, do not.
	if (thread.question.kind === 'approval') return decision.kind === 'approval' && decision.approved === true ? 0 : EXIT_DENIED;
	return 0;
}

/** Print the decision: the chosen label or approved/denied, then the body; notes go to stderr. */
function printDecision(context: Context, thread: Thread): void {
	const decision = decisionOf(thread)!;
	const lines: string[] = [];
	if (decision.kind === 'choice' && decision.choice) lines.push(safeLine(decision.choice.label));
	if (decision.kind === 'approval') lines.push(decision.approved ? 'approved' : 'denied');
	if (decision.body.trim() !== '') lines.push(safeText(decision.body, {multiline: true}));
	context.print(lines.join('\n'));
	if (decision.amendments > 0) {
		context.stderr.write(`note: this answer was amended (${decision.amendments}×); the current one is by ${decision.author.type} ${safeLine(decision.author.name)} at ${decision.at}\n`);
	}
	if (decision.reuses) {
		context.stderr.write(`note: this is the decision of thread ${safeLine(decision.reuses.thread_id)}, reused by ${decision.author.type} ${safeLine(decision.author.name)} for this one\n`);
	}
	if (thread.question.kind === 'approval' && decision.kind !== 'approval') {
		context.stderr.write(`note: thread ${thread.id} was answered in words, not approved; exit ${EXIT_DENIED}\n`);
	}
}

/** Wait for thread `threadId` to settle and report it. `timeoutSeconds` 0 or undefined: no limit. */
export async function waitAndReport(context: Context, forum: ForumClient, threadId: string, timeoutSeconds: number | undefined): Promise<number> {
	const result = await awaitDecision(forum, threadId, {timeoutMs: timeoutSeconds ? timeoutSeconds * 1000 : undefined, signal: context.signal});
	if (result.outcome === 'unknown_thread') {
		throw new ForumError('refused', 'unknown_thread', `no thread with id ${threadId}; see \`metawsm forum list\``);
	}
	if (result.outcome === 'interrupted') {
		throw new ForumError('runtime', 'interrupted', `stopped waiting for thread ${threadId}; it stays open — resume with \`${nextWaitCommand(context, threadId, timeoutSeconds)}\``);
	}
	const {thread} = result.detail;
	const now = forum.now();
	if (result.outcome === 'timeout') {
		const next = nextWaitCommand(context, threadId, timeoutSeconds);
		if (context.json) context.printJson(waitResultJson(thread, now, forum.sla, next));
		const snoozed = isSnoozed(thread, now) ? ` (snoozed by an operator until ${thread.snoozedUntil}, ${snoozeRemainingSeconds(thread, now)} s from now; a post ends it)` : '';
		context.fail(new ForumError('runtime', 'timeout', `no answer on thread ${threadId} after ${timeoutSeconds} s${snoozed}; it stays open — run next: ${next}`));
		return EXIT_TIMEOUT;
	}
	const decision = decisionOf(thread);
	if (context.json) context.printJson(waitResultJson(thread, now, forum.sla));
	else if (decision) printDecision(context, thread);
	if (!decision) {
		const closedBy = result.detail.transitions.findLast((transition) => transition.toState === 'closed');
		const who = closedBy ? ` by ${closedBy.actorType} ${closedBy.actorName} ${ageSince(closedBy.changedAt, now)} ago` : '';
		context.fail(new ForumError('refused', 'closed_unanswered', `thread ${threadId} was closed${who} without an answer; do not act on it — ask again if you still need a decision`));
	} else if (thread.state === 'closed' && !context.json) {
		context.stderr.write(`note: thread ${threadId} is closed; this was its answer\n`);
	}
	return decisionExitCode(thread);
}
