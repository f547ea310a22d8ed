/**
 * The decision: what counts as a thread's answer, how an answer command fits its question,
 * and when a caller's view of a thread is stale. Pure; one definition for every reader.
 */
import {formatAge} from './age.js';
import type {Actor, Answer, AnswerCommand, AnswerMark, ForumEvent, Question, QuestionPayload, Rejection, Thread} from './types.js';

/**
 * The decision an agent acts on, or null while there is none: the current answer of an
 * answered thread, or of a thread closed after its answer.
 */
export function decisionOf(thread: Pick<Thread, 'state' | 'answer'>): Answer | null {
	if (thread.state !== 'answered' && thread.state !== 'closed') return null;
	return thread.answer;
}

/** A waiter is done when the thread has a decision or is closed (with or without one). */
export function isSettled(thread: Pick<Thread, 'state' | 'answer'>): boolean {
	return thread.state === 'closed' || decisionOf(thread) !== null;
}

export function questionFromPayload(payload: QuestionPayload | undefined): Question {
	if (!payload) return {kind: 'text'};
	if (payload.kind === 'approval') return {kind: 'approval'};
	return {kind: 'choice', choices: [...payload.choices], recommended: payload.recommended ?? null};
}

export function questionToPayload(question: Question | undefined): QuestionPayload | undefined {
	if (!question || question.kind === 'text') return undefined;
	if (question.kind === 'approval') return {kind: 'approval'};
	return {kind: 'choice', choices: question.choices, recommended: question.recommended};
}

function mismatch(message: string): {ok: false; rejection: Rejection} {
	return {ok: false, rejection: {code: 'answer_mismatch', message}};
}

/** `1 Drop A · 2 Keep A`: the options as an operator sees them. */
export function describeChoices(choices: readonly string[]): string {
	return choices.map((label, index) => `${index + 1} ${label}`).join(' · ');
}

/** The choice a `--choice` value names: a 1-based index, or a label (case and spaces ignored). */
function resolveChoice(choices: readonly string[], wanted: number | string): number | undefined {
	if (typeof wanted === 'string') {
		const key = wanted.trim().toLowerCase();
		const byLabel = choices.findIndex((label) => label.trim().toLowerCase() === key);
		if (byLabel >= 0) return byLabel + 1;
		if (!/^\d+$/.test(key)) return undefined;
		wanted = Number(key);
	}
	return Number.isInteger(wanted) && wanted >= 1 && wanted <= choices.length ? wanted : undefined;
}

/** How an answer command fits the thread's question: the mark its post carries, or why not. */
export function answerMark(
	thread: Pick<Thread, 'id' | 'question'>,
	command: Pick<AnswerCommand, 'choice' | 'approved'>,
): {ok: true; mark: AnswerMark} | {ok: false; rejection: Rejection} {
	const {question} = thread;
	if (command.choice !== undefined && command.approved !== undefined) {
		return {ok: false, rejection: {code: 'invalid_input', message: 'an answer is a choice or an approval, not both'}};
	}
	if (command.approved !== undefined) {
		if (question.kind !== 'approval') {
			return mismatch(`thread ${thread.id} asks a ${question.kind} question, not for an approval; answer it with ${question.kind === 'choice' ? 'a choice or ' : ''}text`);
		}
		return {ok: true, mark: {kind: 'approval', choice: null, approved: command.approved, amends: null}};
	}
	if (command.choice !== undefined) {
		if (question.kind !== 'choice') {
			return mismatch(`thread ${thread.id} asks a${question.kind === 'approval' ? 'n approval' : ' text'} question and offers no choices; answer it with ${question.kind === 'approval' ? 'approve, deny or ' : ''}text`);
		}
		const index = resolveChoice(question.choices, command.choice);
		if (index === undefined) {
			const given = String(command.choice).slice(0, 60);
			return mismatch(`thread ${thread.id} has no choice "${given}"; it offers ${describeChoices(question.choices)}`);
		}
		return {ok: true, mark: {kind: 'choice', choice: {index, label: question.choices[index - 1]!}, approved: null, amends: null}};
	}
	return {ok: true, mark: {kind: 'text', choice: null, approved: null, amends: null}};
}

/** The answer record a marked post makes; `previous` is the answer it may amend. */
export function answerFromPost(
	mark: AnswerMark,
	post: {body: string; author: Actor; at: string; eventId: string; sequence: number},
	previous: Answer | null,
): Answer {
	return {
		kind: mark.kind,
		choice: mark.choice,
		approved: mark.approved,
		body: post.body,
		author: post.author,
		at: post.at,
		eventId: post.eventId,
		sequence: post.sequence,
		amendments: mark.amends !== null && previous ? previous.amendments + 1 : 0,
		...(mark.reuses ? {reuses: {thread_id: mark.reuses.thread_id, post_id: mark.reuses.post_id}} : {}),
	};
}

const optionKey = (label: string) => label.trim().toLowerCase();

/**
 * An answer that reuses `earlier`'s decision on `thread`: the choice, approval and text it
 * gives here, or why it cannot (no decision there, another ticket and agent, another kind of
 * question, other options). Choices are matched by label, so the same options in another
 * order still fit.
 */
export function reusedAnswer(
	thread: Pick<Thread, 'id' | 'ticket' | 'agentName' | 'question'>,
	earlier: Pick<Thread, 'id' | 'ticket' | 'agentName' | 'question' | 'state' | 'answer'> | undefined,
	reusesId: string,
	/** The event id of the decision the operator saw; another one there now is refused. */
	seenPostId?: string,
): {ok: true; fields: {choice?: string; approved?: boolean; body: string}; reuses: {thread_id: string; post_id: string}} | {ok: false; rejection: Rejection} {
	const refuse = (message: string) => ({ok: false as const, rejection: {code: 'reuse_mismatch' as const, message}});
	if (!earlier) return refuse(`no thread with id ${reusesId.slice(0, 40)} to reuse the decision of`);
	if (earlier.id === thread.id) return refuse(`thread ${thread.id} cannot reuse its own decision`);
	const decision = decisionOf(earlier);
	if (!decision) return refuse(`thread ${earlier.id} has no decision to reuse`);
	if (seenPostId !== undefined && seenPostId !== decision.eventId) {
		return refuse(`thread ${earlier.id}'s decision changed after the preview showed it (now by ${decision.author.type} ${decision.author.name}: ${decisionHeadline(decision).slice(0, 60)}); look at it again`);
	}
	if (earlier.ticket !== thread.ticket && earlier.agentName !== thread.agentName) {
		return refuse(`thread ${earlier.id} is of another ticket and another agent; only a decision of the same ticket or agent is reused`);
	}
	if (earlier.question.kind !== thread.question.kind) {
		return refuse(`thread ${earlier.id} asked a ${earlier.question.kind} question and this one asks a ${thread.question.kind} question; answer it yourself`);
	}
	const reuses = {thread_id: earlier.id, post_id: decision.eventId};
	if (thread.question.kind === 'choice' && earlier.question.kind === 'choice') {
		const mine = [...thread.question.choices].map(optionKey).sort();
		const theirs = [...earlier.question.choices].map(optionKey).sort();
		if (mine.join('\u0000') !== theirs.join('\u0000')) {
			return refuse(`the options differ: thread ${earlier.id} (${earlier.ticket}) offered ${describeChoices(earlier.question.choices)}, this one offers ${describeChoices(thread.question.choices)}; choose yourself`);
		}
		return {ok: true, fields: {choice: decision.choice!.label, body: decision.body}, reuses};
	}
	if (thread.question.kind === 'approval') return {ok: true, fields: {approved: decision.approved === true, body: decision.body}, reuses};
	return {ok: true, fields: {body: decision.body}, reuses};
}

/** One line naming a decision: `approved`, `denied`, the chosen label, or the text's first line. */
export function decisionHeadline(answer: Answer): string {
	if (answer.kind === 'approval') return answer.approved ? 'approved' : 'denied';
	if (answer.kind === 'choice' && answer.choice) return answer.choice.label;
	return answer.body.split('\n')[0] ?? '';
}

/** What an event did that makes an older view of its thread unsafe to act on; undefined if nothing. */
function whatChanged(event: ForumEvent): string | undefined {
	switch (event.event_type) {
		case 'forum.post.added':
			if (!event.payload.answer) return undefined;
			return event.payload.answer.amends ? 'amended the answer' : `answered it (${event.payload.answer.kind === 'approval' ? (event.payload.answer.approved ? 'approved' : 'denied') : event.payload.answer.choice?.label ?? 'text'})`;
		case 'forum.state.changed':
			return event.payload.to_state === 'closed' ? 'closed it' : `moved it to ${event.payload.to_state}`;
		case 'forum.thread.closed':
			return 'closed it';
		case 'forum.assigned':
			return `assigned it to ${event.payload.to_assignee_type}:${event.payload.to_assignee_name}`;
		default:
			return undefined;
	}
}

/**
 * Refuse a write made on a view older than the thread: `since` are the thread's events after
 * `version`. Only changes that matter (answer, close, state, assignee) make it stale.
 */
export function staleness(
	thread: Pick<Thread, 'id' | 'lastSequence'>,
	version: number,
	since: readonly ForumEvent[],
	now: string,
): Rejection | undefined {
	if (!Number.isInteger(version) || version < 0) {
		return {code: 'invalid_input', message: `thread version must be a whole number ≥ 0, got ${String(version).slice(0, 20)}`};
	}
	if (version > thread.lastSequence) {
		return {code: 'invalid_input', message: `thread ${thread.id} is at version ${thread.lastSequence}; version ${version} is ahead of it (read it again)`};
	}
	const changes: string[] = [];
	const seen = new Set<string>();
	for (const event of since) {
		const what = whatChanged(event);
		// One command's events tell one story: the answer, not also its state change.
		if (!what || seen.has(event.correlation_id)) continue;
		seen.add(event.correlation_id);
		const ago = formatAge(Date.parse(now) - Date.parse(event.occurred_at));
		changes.push(`${event.actor_type} ${event.actor_name} ${what} ${ago} ago`);
	}
	if (changes.length === 0) return undefined;
	const listed = changes.length > 3 ? [...changes.slice(-3), `and ${changes.length - 3} more`] : changes;
	return {
		code: 'stale',
		message: `thread ${thread.id} changed since version ${version}: ${listed.join('; ')}; read it again (now version ${thread.lastSequence}) and decide again`,
	};
}
