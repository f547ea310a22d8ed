/** The forum's vocabulary. Pure types and constants; imports nothing. */

export const THREAD_STATES = ['new', 'triaged', 'waiting_operator', 'waiting_human', 'answered', 'closed'] as const;
export type ThreadState = (typeof THREAD_STATES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const ACTOR_TYPES = ['agent', 'operator', 'human', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** What kind of question a thread asks, and so what kind of answer it takes. */
export const QUESTION_KINDS = ['text', 'choice', 'approval'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** At most this many options in a choice question: one digit key each in the dashboard. */
export const MAX_CHOICES = 9;

/**
 * The question as the agent asked it. `choice` offers options (1-based in every interface:
 * the number an operator presses); `approval` asks for a yes/no permission.
 */
export type Question =
	| {kind: 'text'}
	| {kind: 'choice'; choices: string[]; recommended: number | null}
	| {kind: 'approval'};

/**
 * Where the asking agent runs: its tmux pane, so an operator can look at (or jump to) what the
 * agent was doing. Recorded by `ask` when it runs inside tmux; absent otherwise.
 */
export interface AgentPane {
	/** tmux's pane id (`$TMUX_PANE`, e.g. `%3`): stable while the pane lives. */
	pane_id: string;
	/** `session:window.pane` when asked, for people; null if tmux could not be asked. */
	target: string | null;
	/** The tmux server's socket (first field of `$TMUX`). */
	socket: string;
	/** Host name of the machine the pane is on. */
	host: string;
}

/**
 * What the operator was looking at when answering: a bounded excerpt of the agent's pane as
 * shown, and the hash of all of it. Kept with the answer, for whoever reviews the decision.
 */
export interface DecisionContext {
	kind: 'agent_pane';
	pane_id: string;
	/** The last lines shown, at most LIMITS.contextExcerptBytes of UTF-8. */
	excerpt: string;
	/** sha256 (hex) of the whole text shown. */
	sha256: string;
	/** Bytes of the whole text shown (the excerpt may be shorter). */
	bytes: number;
	captured_at: string;
}

/** One option of a choice question, by its 1-based index. */
export interface ChoiceRef {
	index: number;
	label: string;
}

/**
 * The decision an agent receives: the thread's current answer. Only the answer command makes
 * one; a plain post never does.
 */
export interface Answer {
	kind: QuestionKind;
	choice: ChoiceRef | null;
	/** For an approval: true approved, false denied; null for other kinds. */
	approved: boolean | null;
	/** The answer's text: the whole answer for `text`, an optional reason otherwise. */
	body: string;
	author: Actor;
	at: string;
	/** Event id of the answer post. */
	eventId: string;
	/** Set when this answer reuses an earlier thread's decision (`R` in the dashboard). */
	reuses?: {thread_id: string; post_id: string};
	sequence: number;
	/** How many times the answer was amended (0: as first given). */
	amendments: number;
}

/** Who did something: the author of a command, or the holder of an assignment. */
export interface Actor {
	type: ActorType;
	name: string;
}

/** What a thread is, as the rules see it: everything `decide` needs and `evolve` produces. */
export interface Thread {
	id: string;
	ticket: string;
	runId: string | null;
	agentName: string;
	title: string;
	body: string;
	state: ThreadState;
	priority: Priority;
	assignee: Actor | null;
	postsCount: number;
	createdBy: Actor;
	createdAt: string;
	updatedAt: string;
	/** When the thread entered its current state. */
	stateSince: string;
	/**
	 * When the agent started waiting: the question, or the moment the thread left `answered` for
	 * a waiting state (a follow-up, or moved back). WAIT, the SLA and the queue order count from
	 * it; assignments, priority changes and posts do not move it (rules.ts startsWait).
	 */
	waitingSince: string;
	/** How many state changes the thread has had; names one waiting episode for the SLA. */
	stateChanges: number;
	lastPostAt: string | null;
	lastPostBy: Actor | null;
	/** Set when an escalation was requested during the current wait; cleared when a new wait starts. */
	escalatedAt: string | null;
	closedAt: string | null;
	/** Sequence of the last event applied: the thread's version, for `--if-version`. */
	lastSequence: number;
	question: Question;
	/** The current decision: set by an answer, kept through close, cleared when the thread waits again. */
	answer: Answer | null;
	/**
	 * Snoozed until this ISO time (null: not snoozed). Ends by itself when the time passes (judged at
	 * read time: see isSnoozed), or earlier by an agent's post, an answer, a close or an unsnooze.
	 */
	snoozedUntil: string | null;
}

// ---------------------------------------------------------------- commands

export interface AskCommand {
	type: 'ask';
	/** Optional client-chosen id; generated by dispatch when absent. */
	threadId?: string;
	ticket: string;
	runId?: string | null;
	agentName: string;
	title: string;
	body: string;
	priority: Priority;
	/** Default: a free-text question. */
	question?: Question;
	/** The agent's tmux pane, when it asks from inside tmux. */
	agentPane?: AgentPane;
}
export interface PostCommand {
	type: 'post';
	threadId: string;
	body: string;
}
export interface AnswerCommand {
	type: 'answer';
	threadId: string;
	/** Required for a text answer; an optional reason with a choice or an approval. */
	body: string;
	/** Pick an option of a choice question: its 1-based index, or its label. */
	choice?: number | string;
	/** Approve (true) or deny (false) an approval question. */
	approved?: boolean;
	/** Replace the current answer (a correction kept in history). */
	amend?: boolean;
	/** What the operator saw of the agent's pane while answering. */
	context?: DecisionContext;
	/**
	 * Answer with the decision of an earlier answered thread (same ticket or agent): its id, and
	 * the event id of the decision the operator saw (refused if it was amended since).
	 */
	reuses?: {threadId: string; postId?: string};
}
export interface AssignCommand {
	type: 'assign';
	threadId: string;
	assignee: Actor;
	note: string;
}
export interface ChangeStateCommand {
	type: 'change_state';
	threadId: string;
	state: ThreadState;
}
export interface ChangePriorityCommand {
	type: 'change_priority';
	threadId: string;
	priority: Priority;
}
export interface CloseCommand {
	type: 'close';
	threadId: string;
}
export interface RequestEscalationCommand {
	type: 'request_escalation';
	threadId: string;
	waitedMinutes: number;
}

/** Hide an open thread from the queues until a time (`until`), or end a snooze (`until` null). */
export interface SnoozeCommand {
	type: 'snooze';
	threadId: string;
	/** ISO time, in the future; null ends the snooze now. */
	until: string | null;
	note: string;
}

export type CommandBody =
	| SnoozeCommand
	| AskCommand
	| PostCommand
	| AnswerCommand
	| AssignCommand
	| ChangeStateCommand
	| ChangePriorityCommand
	| CloseCommand
	| RequestEscalationCommand;

export type CommandType = CommandBody['type'];

/** A command as dispatched: the body plus who sent it and its idempotency key. */
export type Command = CommandBody & {
	commandId: string;
	actor: Actor;
	/**
	 * The thread version (its last sequence) the caller saw. When set, a change that matters
	 * (answer, close, state, assignee) made since refuses the command as `stale`.
	 */
	ifVersion?: number;
};

// ---------------------------------------------------------------- events

/** How a choice or approval question is stored; absent for a free-text question (as in the original). */
export type QuestionPayload = {kind: 'choice'; choices: string[]; recommended: number | null} | {kind: 'approval'};

export interface ThreadOpenedPayload {
	title: string;
	body: string;
	priority: Priority;
	question?: QuestionPayload;
	/** Where the agent asked from (readers of the original's events ignore it). */
	agent_pane?: AgentPane;
}

/** Marks a post as the thread's answer (readers of the original's events see a plain post). */
export interface AnswerMark {
	kind: QuestionKind;
	choice: ChoiceRef | null;
	approved: boolean | null;
	/** Event id of the answer this one corrects; null for a first answer. */
	amends: string | null;
	/** What the operator saw of the agent's pane when answering; absent when nothing was shown. */
	context?: DecisionContext;
	/** The earlier thread (and its answer post's event id) whose decision this answer reuses. */
	reuses?: {thread_id: string; post_id: string};
}
export interface PostAddedPayload {
	body: string;
	answer?: AnswerMark;
}
export interface AssignedPayload {
	from_assignee_type: ActorType | null;
	from_assignee_name: string | null;
	to_assignee_type: ActorType;
	to_assignee_name: string;
	note: string;
}
export interface StateChangedPayload {
	from_state: ThreadState;
	to_state: ThreadState;
}
export interface PriorityChangedPayload {
	from: Priority;
	to: Priority;
}
export type ThreadClosedPayload = Record<string, never>;
export interface EscalationRequestedPayload {
	state: ThreadState;
	priority: Priority;
	waited_minutes: number;
}
/** A snooze set (`until`) or ended early (`until` null); readers of the original's events never see one. */
export interface ThreadSnoozedPayload {
	until: string | null;
	note: string;
}
export interface DocsSyncRequestedPayload {
	trigger: 'answered' | 'closed';
	thread_id: string;
	title: string;
	state: ThreadState;
	priority: Priority;
	posts_count: number;
	updated_at: string;
	assignee: string | null;
}

export interface EventPayloads {
	'forum.thread.opened': ThreadOpenedPayload;
	'forum.post.added': PostAddedPayload;
	'forum.assigned': AssignedPayload;
	'forum.state.changed': StateChangedPayload;
	'forum.priority.changed': PriorityChangedPayload;
	'forum.thread.closed': ThreadClosedPayload;
	'forum.sla.escalation_requested': EscalationRequestedPayload;
	'forum.integration.docs_sync.requested': DocsSyncRequestedPayload;
	'forum.thread.snoozed': ThreadSnoozedPayload;
}

export type EventType = keyof EventPayloads;
export const EVENT_TYPES = [
	'forum.thread.opened',
	'forum.post.added',
	'forum.assigned',
	'forum.state.changed',
	'forum.priority.changed',
	'forum.thread.closed',
	'forum.sla.escalation_requested',
	'forum.integration.docs_sync.requested',
	'forum.thread.snoozed',
] as const satisfies readonly EventType[];

/** What `decide` returns: an event's type and payload, before the service stamps its envelope. */
export type EventDraft = {[K in EventType]: {event_type: K; payload: EventPayloads[K]}}[EventType];

/** The envelope every event carries (DESIGN.md). */
export interface EventEnvelope {
	event_id: string;
	event_version: 1;
	occurred_at: string;
	thread_id: string;
	run_id: string | null;
	ticket: string;
	agent_name: string;
	actor_type: ActorType;
	actor_name: string;
	correlation_id: string;
	causation_id: string;
	command_id: string;
}

export type ForumEvent = {[K in EventType]: EventEnvelope & {event_type: K; payload: EventPayloads[K]}}[EventType];

/** An event as stored: with its gap-free sequence. */
export type StoredEvent = ForumEvent & {sequence: number};

// ---------------------------------------------------------------- rejections

/**
 * Why a command was refused. `invalid_input` is bad usage (exit 2); the others are
 * forum rules or a missing thread (exit 3).
 */
export type RejectionCode =
	| 'invalid_input'
	| 'unknown_thread'
	| 'thread_exists'
	| 'thread_closed'
	| 'illegal_transition'
	| 'not_escalatable'
	/** A snooze of a thread that is not an open question (answered). */
	| 'not_snoozable'
	/** `R`: the earlier decision does not fit this question (other options, other kind, no decision). */
	| 'reuse_mismatch'
	/** `state --state answered`: only the answer command answers. */
	| 'answer_required'
	/** An answer on an answered thread without --amend, or --amend with nothing to amend. */
	| 'already_answered'
	| 'nothing_to_amend'
	/** The answer does not fit the question (choice out of range, approve on a text question...). */
	| 'answer_mismatch'
	/** The thread changed in a way that matters since the version the caller saw. */
	| 'stale'
	/** A command id already used for a different command. */
	| 'command_id_conflict';

export interface Rejection {
	code: RejectionCode;
	message: string;
}
