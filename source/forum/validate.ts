/** Input limits and checks shared by every entry point; pure. */
import {ACTOR_TYPES, MAX_CHOICES, PRIORITIES, THREAD_STATES} from './types.js';
import {invisibleCharacter} from './invisible.js';
import type {ActorType, AgentPane, AnswerCommand, Command, DecisionContext, Priority, Question, Rejection, ThreadState} from './types.js';

export const LIMITS = {
	/** Post and question bodies, in UTF-8 bytes. */
	bodyBytes: 64 * 1024,
	titleChars: 200,
	ticketChars: 128,
	nameChars: 64,
	noteChars: 2000,
	idChars: 128,
	choiceChars: 120,
	/** The pane excerpt kept with an answer, in UTF-8 bytes. */
	contextExcerptBytes: 2048,
	/** Fields of a recorded tmux pane (socket path, host, target). */
	paneFieldChars: 256,
} as const;

// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;
// C0 except tab, C1, DEL; allowed in bodies (rendered safely), not in one-line identifiers.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

function invalid(message: string): Rejection {
	return {code: 'invalid_input', message};
}

export function parsePriority(input: string): Priority | undefined {
	const value = input.trim().toLowerCase();
	return (PRIORITIES as readonly string[]).includes(value) ? (value as Priority) : undefined;
}

export function parseState(input: string): ThreadState | undefined {
	const value = input.trim().toLowerCase();
	return (THREAD_STATES as readonly string[]).includes(value) ? (value as ThreadState) : undefined;
}

export function parseActorType(input: string): ActorType | undefined {
	const value = input.trim().toLowerCase();
	return (ACTOR_TYPES as readonly string[]).includes(value) ? (value as ActorType) : undefined;
}

/** A body: non-empty after trimming, no NUL, at most LIMITS.bodyBytes. */
export function checkBody(field: string, value: string): Rejection | undefined {
	if (typeof value !== 'string') return invalid(`${field} must be text`);
	if (value.trim() === '') return invalid(`${field} is empty; give the text with --body or --body-file`);
	if (NUL.test(value)) return invalid(`${field} contains a NUL byte; remove it`);
	const bytes = Buffer.byteLength(value, 'utf8');
	if (bytes > LIMITS.bodyBytes) {
		return invalid(`${field} is ${bytes} bytes; the limit is ${LIMITS.bodyBytes} bytes (64 KiB), shorten it or link to a file`);
	}
	return undefined;
}

/** A one-line field: non-empty after trimming, no control characters, at most `max` characters. */
export function checkLine(field: string, value: string, max: number): Rejection | undefined {
	if (typeof value !== 'string') return invalid(`${field} must be text`);
	if (value.trim() === '') return invalid(`${field} is empty; give a value`);
	if (CONTROL.test(value)) return invalid(`${field} contains a control character (newline, escape, NUL...); use plain text`);
	const hidden = invisibleCharacter(value);
	if (hidden) return invalid(`${field} contains an invisible or direction-changing character (${hidden}, e.g. a zero-width space or a bidi override); use plain text`);
	if ([...value].length > max) return invalid(`${field} is longer than ${max} characters; shorten it`);
	return undefined;
}

export function checkId(field: string, value: string): Rejection | undefined {
	if (typeof value !== 'string') return invalid(`${field} must be text, not ${typeof value}`);
	if (value === '') return invalid(`${field} is empty`);
	if (value.length > LIMITS.idChars || !ID_PATTERN.test(value)) {
		return invalid(`${field} "${value.replace(CONTROL, '?').slice(0, 40)}" is not a valid id (letters, digits, . _ : - only, at most ${LIMITS.idChars})`);
	}
	return undefined;
}

/** A question's shape: 2–9 distinct one-line options, a recommendation among them. */
export function checkQuestion(question: Question | undefined): Rejection | undefined {
	if (question === undefined || question.kind === 'text' || question.kind === 'approval') return undefined;
	if (question.kind !== 'choice') return invalid(`question kind "${String((question as {kind: unknown}).kind).slice(0, 20)}" is unknown; use text, choice or approval`);
	const {choices, recommended} = question;
	if (!Array.isArray(choices) || choices.length < 2 || choices.length > MAX_CHOICES) {
		return invalid(`a choice question offers 2 to ${MAX_CHOICES} choices, got ${Array.isArray(choices) ? choices.length : 'none'}`);
	}
	const seen = new Set<string>();
	for (const [index, label] of choices.entries()) {
		if (typeof label !== 'string') return invalid(`choice ${index + 1} is not text`);
		const bad = checkLine(`choice ${index + 1}`, label, LIMITS.choiceChars);
		if (bad) return bad;
		const key = label.trim().toLowerCase();
		if (/^\d+$/.test(key)) return invalid(`choice ${index + 1} "${label}" is only digits; a label must not look like a choice number`);
		if (seen.has(key)) return invalid(`choice ${index + 1} "${label.slice(0, 40)}" is given twice; each choice must differ`);
		seen.add(key);
	}
	if (recommended !== null && (!Number.isInteger(recommended) || recommended < 1 || recommended > choices.length)) {
		return invalid(`the recommended choice must be 1 to ${choices.length}, got ${String(recommended).slice(0, 20)}`);
	}
	return undefined;
}

const PANE_ID = /^%\d{1,9}$/;

/** A recorded tmux pane: a pane id like `%3`, one-line socket, host and target. */
export function checkAgentPane(pane: AgentPane | undefined): Rejection | undefined {
	if (pane === undefined) return undefined;
	if (typeof pane !== 'object' || pane === null) return invalid('agent pane must be an object');
	if (typeof pane.pane_id !== 'string' || !PANE_ID.test(pane.pane_id)) return invalid(`agent pane id must look like %3, got ${JSON.stringify(String(pane.pane_id).slice(0, 20))}`);
	if (pane.target !== null && (typeof pane.target !== 'string' || checkLine('agent pane target', pane.target, LIMITS.paneFieldChars))) {
		return invalid('agent pane target must be one line like session:1.0, or null');
	}
	if (typeof pane.socket !== 'string' || checkLine('agent pane socket', pane.socket, LIMITS.paneFieldChars)) return invalid('agent pane socket must be one line (a path)');
	if (typeof pane.host !== 'string' || checkLine('agent pane host', pane.host, LIMITS.paneFieldChars)) return invalid('agent pane host must be one line (a host name)');
	return undefined;
}

/** What an operator saw while answering: a bounded excerpt and a sha256 of the whole. */
function checkDecisionContext(context: DecisionContext | undefined): Rejection | undefined {
	if (context === undefined) return undefined;
	if (typeof context !== 'object' || context === null || context.kind !== 'agent_pane') return invalid('decision context must be {kind: "agent_pane", ...}');
	if (typeof context.pane_id !== 'string' || !PANE_ID.test(context.pane_id)) return invalid('decision context pane id must look like %3');
	if (typeof context.excerpt !== 'string' || NUL.test(context.excerpt)) return invalid('decision context excerpt must be text without NUL bytes');
	if (Buffer.byteLength(context.excerpt, 'utf8') > LIMITS.contextExcerptBytes) return invalid(`decision context excerpt is over ${LIMITS.contextExcerptBytes} bytes`);
	if (typeof context.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(context.sha256)) return invalid('decision context sha256 must be 64 hex digits');
	if (!Number.isInteger(context.bytes) || context.bytes < 0) return invalid('decision context bytes must be a whole number ≥ 0');
	if (typeof context.captured_at !== 'string' || Number.isNaN(Date.parse(context.captured_at))) return invalid('decision context captured_at must be a time');
	return undefined;
}

/** An answer's body: required for a text answer, an optional reason with a choice or approval. */
function checkAnswer(command: AnswerCommand): Rejection | undefined {
	if (typeof command.body !== 'string') return invalid('answer body must be text');
	const structured = command.choice !== undefined || command.approved !== undefined;
	if (command.approved !== undefined && typeof command.approved !== 'boolean') return invalid('approved must be true or false');
	if (command.choice !== undefined && typeof command.choice !== 'number' && typeof command.choice !== 'string') {
		return invalid('choice must be a number or a label');
	}
	if (command.amend !== undefined && typeof command.amend !== 'boolean') return invalid('amend must be true or false');
	const context = checkDecisionContext(command.context);
	if (context) return context;
	if (command.reuses !== undefined && structured) return invalid('an answer that reuses an earlier decision takes its choice or approval from it; give neither');
	// A reused decision brings its own text.
	if ((structured || command.reuses !== undefined) && command.body.trim() === '') return undefined;
	return checkBody('answer body', command.body);
}

/** A note (assignment, snooze): optional text, at most LIMITS.noteChars, no NUL. */
function checkNote(note: string): Rejection | undefined {
	if (typeof note !== 'string' || NUL.test(note) || [...note].length > LIMITS.noteChars) return invalid(`note must be at most ${LIMITS.noteChars} characters without NUL bytes`);
	return undefined;
}

/** Check a command's fields against the limits; undefined when it is well formed. */
export function checkCommand(command: Command): Rejection | undefined {
	const actor =
		(ACTOR_TYPES as readonly string[]).includes(command.actor.type)
			? checkLine('actor name', command.actor.name, LIMITS.nameChars)
			: invalid(`actor type "${command.actor.type}" is unknown; use one of ${ACTOR_TYPES.join(', ')}`);
	if (actor) return actor;
	const commandId = checkId('command id', command.commandId);
	if (commandId) return commandId;
	if (command.ifVersion !== undefined && (!Number.isInteger(command.ifVersion) || command.ifVersion < 0)) {
		return invalid(`thread version must be a whole number ≥ 0, got ${String(command.ifVersion).slice(0, 20)}`);
	}
	switch (command.type) {
		case 'ask':
			return (
				(command.threadId === undefined ? undefined : checkId('thread id', command.threadId)) ??
				checkLine('ticket', command.ticket, LIMITS.ticketChars) ??
				(command.runId ? checkLine('run id', command.runId, LIMITS.ticketChars) : undefined) ??
				checkLine('agent name', command.agentName, LIMITS.nameChars) ??
				checkLine('title', command.title, LIMITS.titleChars) ??
				checkBody('body', command.body) ??
				(PRIORITIES.includes(command.priority) ? undefined : invalid(`priority "${command.priority}" is unknown; use one of ${PRIORITIES.join(', ')}`)) ??
				checkQuestion(command.question) ??
				checkAgentPane(command.agentPane)
			);
		case 'post':
			return checkId('thread id', command.threadId) ?? checkBody('body', command.body);
		case 'answer':
			return (
				checkId('thread id', command.threadId) ??
				checkAnswer(command) ??
				(command.reuses === undefined
					? undefined
					: typeof command.reuses !== 'object' || command.reuses === null || Object.keys(command.reuses).some((key) => key !== 'threadId' && key !== 'postId')
						? invalid('reuses must name the earlier thread (and the decision seen) and nothing else: {threadId, postId?}')
						: (checkId('reused thread id', command.reuses.threadId) ?? (command.reuses.postId === undefined ? undefined : checkId('reused decision id', command.reuses.postId))))
			);
		case 'snooze':
			return (
				checkId('thread id', command.threadId) ??
				(command.until === null || (typeof command.until === 'string' && !Number.isNaN(Date.parse(command.until)))
					? undefined
					: invalid('snooze until must be a time (ISO), or null to end the snooze')) ??
				checkNote(command.note)
			);
		case 'assign':
			return (
				checkId('thread id', command.threadId) ??
				((ACTOR_TYPES as readonly string[]).includes(command.assignee.type)
					? undefined
					: invalid(`assignee type "${command.assignee.type}" is unknown; use one of ${ACTOR_TYPES.join(', ')}`)) ??
				checkLine('assignee', command.assignee.name, LIMITS.nameChars) ??
				checkNote(command.note)
			);
		case 'change_state':
			return (
				checkId('thread id', command.threadId) ??
				(THREAD_STATES.includes(command.state) ? undefined : invalid(`state "${command.state}" is unknown; use one of ${THREAD_STATES.join(', ')}`))
			);
		case 'change_priority':
			return (
				checkId('thread id', command.threadId) ??
				(PRIORITIES.includes(command.priority) ? undefined : invalid(`priority "${command.priority}" is unknown; use one of ${PRIORITIES.join(', ')}`))
			);
		case 'close':
			return checkId('thread id', command.threadId);
		case 'request_escalation':
			return (
				checkId('thread id', command.threadId) ??
				(Number.isInteger(command.waitedMinutes) && command.waitedMinutes >= 0 ? undefined : invalid('waited minutes must be a whole number ≥ 0'))
			);
	}
}
