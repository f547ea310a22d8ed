import {ForumError} from '../../forum/errors.js';
import {isEscalated} from '../../forum/rules.js';
import type {DecisionContext} from '../../forum/types.js';
import type {ThreadDetail} from '../../service/forum-service.js';
import {threadDetailJson} from '../../service/json.js';
import {safeLine, safeText} from '../../text/safe-text.js';
import {formatTime, formatWait} from '../../text/time.js';
import {isSnoozed, snoozeRemainingSeconds} from '../../forum/snooze.js';
import type {CommandSpec} from '../command.js';
import {stringFlag, threadIdFlag, usage} from '../flags.js';
import {checkLine, LIMITS} from '../../forum/validate.js';
import {decisionHeadline, decisionOf, describeChoices} from '../../forum/answers.js';
import {PLAIN, type Paint} from '../color.js';

export const thread: CommandSpec = {
	name: 'thread',
	summary: 'show a thread: question, posts, assignments, state history',
	usage: `metawsm forum thread --thread-id ID [--viewer NAME]

With --viewer, also marks the thread seen by NAME up to its last event (what opening it in
the dashboard does); see \`metawsm forum list --unseen --viewer NAME\`.

Example:
  metawsm forum thread --thread-id t-8k2m4q9x1z --json`,
	flags: {
		threadId: {type: 'string', description: 'thread (required)'},
		viewer: {type: 'string', description: 'mark the thread seen by NAME'},
	},
	async run(context) {
		const threadId = threadIdFlag(context.flags);
		const viewer = stringFlag(context.flags, 'viewer')?.trim();
		const badViewer = viewer === undefined ? undefined : checkLine('--viewer', viewer, LIMITS.nameChars);
		if (badViewer) throw usage('invalid_flag', badViewer.message);
		const forum = await context.openForum();
		const detail = await forum.getThread(threadId);
		if (!detail) throw new ForumError('refused', 'unknown_thread', `no thread with id ${threadId}; see \`metawsm forum list\``);
		if (viewer !== undefined) await forum.markSeen(threadId, viewer, detail.thread.lastSequence);
		const now = forum.now();
		if (context.json) {
			context.printJson(threadDetailJson(detail, now, forum.sla));
			return 0;
		}
		context.print(formatThread(detail, now, isEscalated(detail.thread, now, forum.sla), await context.paint()));
		return 0;
	},
};

/** The question's kind and options, and the decision the agent gets (if any). */
function questionLines(detail: ThreadDetail): string[] {
	const t = detail.thread;
	const lines: string[] = [];
	if (t.question.kind === 'choice') {
		const recommended = t.question.recommended ? ` (recommended: ${t.question.recommended})` : '';
		lines.push(`  choice: ${safeLine(describeChoices(t.question.choices))}${recommended}`);
	}
	if (t.question.kind === 'approval') lines.push('  approval: yes/no permission');
	const decision = decisionOf(t);
	if (decision) {
		const amended = decision.amendments > 0 ? ` (amended ${decision.amendments}×)` : '';
		lines.push(`  decision: ${safeLine(decisionHeadline(decision))} by ${decision.author.type} ${safeLine(decision.author.name)} at ${formatTime(decision.at)}${amended}`);
	}
	return lines;
}

/** What the operator saw of the agent's pane when answering: the hash, then the excerpt. */
function contextLines(context: DecisionContext): string[] {
	const shown = `${context.bytes} bytes shown at ${formatTime(context.captured_at)}, sha256 ${context.sha256.slice(0, 16)}…`;
	const excerpt = safeText(context.excerpt, {multiline: true}).split('\n').map((line) => `    │ ${line}`);
	return [`    seen: agent pane ${safeLine(context.pane_id)}, ${shown}${Buffer.byteLength(context.excerpt) < context.bytes ? ' (last part below)' : ''}`, ...excerpt];
}

function indent(text: string): string {
	return text
		.split('\n')
		.map((line) => `    ${line}`)
		.join('\n');
}

export function formatThread(detail: ThreadDetail, now: string, escalated: boolean, paint: Paint = PLAIN): string {
	const t = detail.thread;
	const lines = [
		`thread ${t.id}  ${safeLine(t.title)}`,
		`  ticket ${safeLine(t.ticket)}${t.runId ? `  run ${safeLine(t.runId)}` : ''}  agent ${safeLine(t.agentName)}`,
		`  state ${paint.state(t.state)}  priority ${paint.priority(t.priority)}${escalated ? `  ${paint.escalated('ESCALATED')}` : ''}  assignee ${
			t.assignee ? `${t.assignee.type}:${safeLine(t.assignee.name)}` : '-'
		}  waiting ${formatWait(t, now)}  version ${t.lastSequence}`,
		...questionLines(detail),
		...(isSnoozed(t, now) ? [`  snoozed until ${formatTime(t.snoozedUntil!)} (${snoozeRemainingSeconds(t, now)} s left; an agent post, an answer or \`snooze --clear\` ends it)`] : []),
		...(detail.agentPane ? [`  agent pane ${safeLine(detail.agentPane.pane_id)}${detail.agentPane.target ? ` (${safeLine(detail.agentPane.target)})` : ''} on ${safeLine(detail.agentPane.host)}`] : []),
		'',
		`${formatTime(t.createdAt)}  ${t.createdBy.type} ${safeLine(t.createdBy.name)} asked:`,
		indent(safeText(t.body, {multiline: true})),
	];
	for (const post of detail.posts) {
		const reused = post.answer?.reuses ? ` (the decision of thread ${safeLine(post.answer.reuses.thread_id)})` : '';
		const mark = post.answer
			? ` ${post.answer.amends ? 'amended the answer' : 'answered'}${post.answer.kind === 'choice' && post.answer.choice ? ` ${post.answer.choice.index} ${safeLine(post.answer.choice.label)}` : post.answer.kind === 'approval' ? (post.answer.approved ? ' approved' : ' denied') : ''}`
			: '';
		lines.push(`${formatTime(post.createdAt)}  ${post.authorType} ${safeLine(post.authorName)}${mark}${reused}:`);
		if (post.body.trim() !== '') lines.push(indent(safeText(post.body, {multiline: true})));
		if (post.answer?.context) lines.push(...contextLines(post.answer.context));
	}
	if (detail.assignments.length > 0) {
		lines.push('', 'assignments:');
		for (const a of detail.assignments) {
			const note = a.note ? `  "${safeLine(a.note)}"` : '';
			lines.push(`  ${formatTime(a.assignedAt)}  ${a.fromName ? safeLine(a.fromName) : '-'} → ${a.toType}:${safeLine(a.toName)} by ${safeLine(a.assignedByName)}${note}`);
		}
	}
	if (detail.transitions.length > 0) {
		lines.push('', 'history:');
		for (const tr of detail.transitions) {
			lines.push(`  ${formatTime(tr.changedAt)}  ${paint.state(tr.fromState)} → ${paint.state(tr.toState)} by ${tr.actorType} ${safeLine(tr.actorName)}`);
		}
	}
	return lines.join('\n');
}
