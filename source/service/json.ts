/** The JSON shapes the CLI prints and remote clients receive. snake_case, like the events. */
import {decisionOf} from '../forum/answers.js';
import {isEscalated, type SlaRule} from '../forum/rules.js';
import {isSnoozed, snoozeRemainingSeconds} from '../forum/snooze.js';
import type {Answer, Question, Thread} from '../forum/types.js';
import type {ThreadDetail} from './forum-service.js';

/** The decision as agents read it (`wait --json`, `ask --wait --json`, MCP): one shape everywhere. */
export function decisionJson(answer: Answer) {
	return {
		kind: answer.kind,
		choice: answer.choice ? {index: answer.choice.index, label: answer.choice.label} : null,
		approved: answer.approved,
		body: answer.body,
		author: {type: answer.author.type, name: answer.author.name},
		at: answer.at,
		amended: answer.amendments > 0,
		amendments: answer.amendments,
		event_id: answer.eventId,
		sequence: answer.sequence,
		/** The earlier thread and answer post this decision was reused from (`R`); null when given here. */
		reuses: answer.reuses ? {thread_id: answer.reuses.thread_id, post_id: answer.reuses.post_id} : null,
	};
}

export function questionJson(question: Question) {
	if (question.kind === 'choice') {
		return {kind: question.kind, choices: question.choices.map((label, index) => ({index: index + 1, label})), recommended: question.recommended};
	}
	return {kind: question.kind, choices: null, recommended: null};
}

/**
 * What a finished wait reports: `answered` with the decision, `closed` (with the decision if the
 * thread was answered before it closed, else null), or `waiting` with the command to run next.
 */
export function waitResultJson(thread: Thread, now: string, sla: SlaRule, next?: string) {
	const decision = decisionOf(thread);
	const status = next !== undefined ? 'waiting' : thread.state === 'closed' ? 'closed' : 'answered';
	return {
		status,
		thread_id: thread.id,
		decision: decision ? decisionJson(decision) : null,
		// While waiting: an operator's snooze says how long the question is set aside.
		snoozed_until: isSnoozed(thread, now) ? thread.snoozedUntil : null,
		snooze_remaining_seconds: snoozeRemainingSeconds(thread, now),
		...(next !== undefined ? {next} : {}),
		thread: threadJson(thread, now, sla),
	};
}

export function threadJson(thread: Thread, now: string, sla: SlaRule) {
	return {
		thread_id: thread.id,
		ticket: thread.ticket,
		run_id: thread.runId,
		agent_name: thread.agentName,
		title: thread.title,
		body: thread.body,
		state: thread.state,
		priority: thread.priority,
		assignee_type: thread.assignee?.type ?? null,
		assignee_name: thread.assignee?.name ?? null,
		posts_count: thread.postsCount,
		created_by_type: thread.createdBy.type,
		created_by_name: thread.createdBy.name,
		created_at: thread.createdAt,
		updated_at: thread.updatedAt,
		state_since: thread.stateSince,
		waiting_since: thread.waitingSince,
		last_post_at: thread.lastPostAt,
		last_post_by_type: thread.lastPostBy?.type ?? null,
		last_post_by_name: thread.lastPostBy?.name ?? null,
		escalated: isEscalated(thread, now, sla),
		/** Until when an operator put the question aside (null: not snoozed, or the snooze has passed). */
		snoozed_until: isSnoozed(thread, now) ? thread.snoozedUntil : null,
		/** Seconds until then (0 when not snoozed), as consult-user-mcp's remainingSeconds. */
		snooze_remaining_seconds: snoozeRemainingSeconds(thread, now),
		escalation_requested_at: thread.escalatedAt,
		closed_at: thread.closedAt,
		last_sequence: thread.lastSequence,
		/** Pass as --if-version to refuse a write if the thread changed in a way that matters. */
		version: thread.lastSequence,
		question: questionJson(thread.question),
		decision: decisionOf(thread) ? decisionJson(decisionOf(thread)!) : null,
	};
}

export function threadDetailJson(detail: ThreadDetail, now: string, sla: SlaRule) {
	return {
		...threadJson(detail.thread, now, sla),
		agent_pane: detail.agentPane,
		posts: detail.posts.map((post) => ({
			sequence: post.sequence,
			author_type: post.authorType,
			author_name: post.authorName,
			body: post.body,
			created_at: post.createdAt,
			answer: post.answer,
		})),
		assignments: detail.assignments.map((a) => ({
			sequence: a.sequence,
			from_type: a.fromType,
			from_name: a.fromName,
			to_type: a.toType,
			to_name: a.toName,
			note: a.note,
			assigned_by_type: a.assignedByType,
			assigned_by_name: a.assignedByName,
			assigned_at: a.assignedAt,
		})),
		transitions: detail.transitions.map((t) => ({
			sequence: t.sequence,
			from_state: t.fromState,
			to_state: t.toState,
			actor_type: t.actorType,
			actor_name: t.actorName,
			changed_at: t.changedAt,
		})),
	};
}
