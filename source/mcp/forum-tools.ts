/**
 * What each MCP tool does, over a ForumClient (local SQLite or --remote). No SDK here: the
 * server hands validated arguments in and sends the result out.
 */
import {createHash} from 'node:crypto';
import {decisionHeadline, decisionOf} from '../forum/answers.js';
import type {Actor, Priority, Question, Thread} from '../forum/types.js';
import {awaitDecision} from '../service/await-decision.js';
import type {ForumClient} from '../service/client.js';
import type {DispatchResult} from '../service/forum-service.js';
import {threadDetailJson, waitResultJson, decisionJson} from '../service/json.js';
import {agentPaneFromEnv} from '../tmux/pane.js';
import {isSnoozed, snoozeRemainingSeconds} from '../forum/snooze.js';
import {decisionExitCode} from '../cli/decision.js';
import {DEFAULT_WAIT_SECONDS, type ToolName} from './tools.js';

/** Who this server speaks for: defaults from flags and environment. */
export interface ToolDefaults {
	ticket: string | undefined;
	runId: string | undefined;
	agent: string;
	actor: Actor;
}

/** A tool's answer: structured data plus a sentence for the model, or an error it can act on. */
export type ToolResult = {ok: true; summary: string; data: Record<string, unknown>} | {ok: false; message: string};

export interface CallOptions {
	signal: AbortSignal;
	/** Called every few seconds while a call waits for a human. */
	progress?: (elapsedSeconds: number, totalSeconds: number, message: string) => void;
}

const PROGRESS_EVERY_MS = 5000;

const fail = (message: string): ToolResult => ({ok: false, message});

/** `; an operator snoozed it until … (1800 s from now)`: how long the agent should expect to wait. */
function snoozeNote(thread: Thread, now: string): string {
	if (!isSnoozed(thread, now)) return '';
	return `; an operator snoozed it until ${thread.snoozedUntil} (${snoozeRemainingSeconds(thread, now)} s from now), a post from you ends the snooze`;
}

/** Arguments as the schema let them through. */
type Args = Record<string, unknown>;
const text = (args: Args, key: string): string | undefined => (typeof args[key] === 'string' ? (args[key] as string) : undefined);

const NO_TICKET =
	'no ticket: pass "ticket" in the call, or start the server with --ticket T (or METAWSM_TICKET=T in its environment), e.g. `metawsm forum mcp --ticket OPS-7`';

export class ForumTools {
	private forum: Promise<ForumClient> | undefined;

	constructor(
		private readonly open: () => Promise<ForumClient>,
		private readonly defaults: ToolDefaults,
		private readonly env: Readonly<Record<string, string | undefined>>,
	) {}

	private client(): Promise<ForumClient> {
		// Opened on the first call, so listing tools works even where the forum cannot be reached.
		this.forum ??= this.open().catch((error) => {
			this.forum = undefined;
			throw error;
		});
		return this.forum;
	}

	async call(name: ToolName, args: Args, options: CallOptions): Promise<ToolResult> {
		switch (name) {
			case 'ask_human':
				return this.askHuman(args, options);
			case 'wait_for_answer':
				return this.waitForAnswer(text(args, 'thread_id')!, waitSecondsOf(args), options);
			case 'post_update':
				return this.postUpdate(text(args, 'thread_id')!, text(args, 'body')!);
			case 'get_thread':
				return this.getThread(text(args, 'thread_id')!);
			case 'list_my_threads':
				return this.listMine(text(args, 'ticket'));
		}
	}

	private async askHuman(args: Args, options: CallOptions): Promise<ToolResult> {
		const ticket = (text(args, 'ticket') ?? this.defaults.ticket)?.trim();
		if (!ticket) return fail(NO_TICKET);
		const runId = (text(args, 'run_id') ?? this.defaults.runId)?.trim() || undefined;
		const question = questionOf(args);
		if (typeof question === 'string') return fail(question);
		const title = text(args, 'title')!;
		const body = text(args, 'body')!;
		const priority = (text(args, 'priority') ?? 'normal') as Priority;
		const requestId = text(args, 'request_id');
		const agentPane = await agentPaneFromEnv(this.env);
		const forum = await this.client();
		const ask = {type: 'ask' as const, ticket, runId, agentName: this.defaults.agent, title, body, priority, question, agentPane, actor: this.defaults.actor};
		// Idempotent: by the caller's request id, else by what is asked (a retry after a client
		// timeout finds its thread). A derived id whose thread was closed may ask again.
		const base = `mcp-ask-${digest(requestId !== undefined ? ['request', this.defaults.agent, ticket, requestId] : ['question', this.defaults.agent, ticket, runId ?? '', title, body, JSON.stringify(question)])}`;
		let result: DispatchResult | undefined;
		for (let attempt = 1; attempt <= 20; attempt++) {
			result = await forum.dispatch({...ask, commandId: attempt === 1 ? base : `${base}.${attempt}`});
			if (!result.ok || requestId !== undefined || !result.duplicate || result.thread?.state !== 'closed') break;
		}
		if (!result!.ok) {
			const {rejection} = result!;
			return fail(rejection.code === 'command_id_conflict' ? `request_id ${requestId} was already used for a different question; use a new request_id for a new question` : rejection.message);
		}
		return this.waitForAnswer(result!.threadId, waitSecondsOf(args), options, result!.duplicate);
	}

	private async waitForAnswer(threadId: string, waitSeconds: number, options: CallOptions, reused = false): Promise<ToolResult> {
		const forum = await this.client();
		const started = Date.now();
		const timer =
			options.progress && waitSeconds > 0
				? setInterval(() => {
						const elapsed = Math.round((Date.now() - started) / 1000);
						options.progress!(elapsed, waitSeconds, `waiting for a human on thread ${threadId} (${elapsed} of ${waitSeconds} s)`);
					}, PROGRESS_EVERY_MS)
				: undefined;
		let outcome;
		try {
			// 0 means "do not wait" here (awaitDecision's 0 would mean "no limit").
			outcome = await awaitDecision(forum, threadId, {timeoutMs: Math.max(1, waitSeconds * 1000), signal: options.signal});
		} finally {
			if (timer) clearInterval(timer);
		}
		if (outcome.outcome === 'unknown_thread') return fail(`no thread with id ${threadId}; see list_my_threads`);
		const detail = outcome.detail;
		if (!detail) return fail(`stopped waiting for thread ${threadId}; it stays open — call wait_for_answer again`);
		const {thread} = detail;
		const now = forum.now();
		const again = reused ? ` (thread ${threadId} was already open for this question)` : '';
		if (outcome.outcome !== 'settled') {
			const next = `call wait_for_answer with {"thread_id": "${threadId}"}`;
			return {
				ok: true,
				summary: `No answer yet on thread ${threadId} after ${waitSeconds} s${again}; the question stays open${snoozeNote(thread, now)}. Next: ${next} (do not ask again).`,
				data: waitResultJson(thread, now, forum.sla, next),
			};
		}
		return {ok: true, summary: settledSummary(thread) + again, data: waitResultJson(thread, now, forum.sla)};
	}

	private async postUpdate(threadId: string, body: string): Promise<ToolResult> {
		const forum = await this.client();
		const result = await forum.dispatch({type: 'post', threadId, body, actor: this.defaults.actor});
		if (!result.ok) return fail(result.rejection.message);
		const thread = result.thread;
		const reopened = result.events.some((event) => event.event_type === 'forum.state.changed');
		return {
			ok: true,
			summary: reopened
				? `Posted on ${threadId}; the thread was answered, so your follow-up puts it back in front of the human. Call wait_for_answer with {"thread_id": "${threadId}"} for the new decision.`
				: `Posted on ${threadId} (state ${thread?.state ?? 'unknown'}).`,
			data: {ok: true, thread_id: threadId, state: thread?.state ?? null, version: thread?.lastSequence ?? null, reopened},
		};
	}

	private async getThread(threadId: string): Promise<ToolResult> {
		const forum = await this.client();
		const detail = await forum.getThread(threadId);
		if (!detail) return fail(`no thread with id ${threadId}; see list_my_threads`);
		const {agent_pane: _pane, ...data} = threadDetailJson(detail, forum.now(), forum.sla);
		const decision = decisionOf(detail.thread);
		return {ok: true, summary: `Thread ${threadId}: ${detail.thread.state}${decision ? `, decided: ${decisionHeadline(decision).slice(0, 80)}` : ''}.`, data};
	}

	private async listMine(ticketArg: string | undefined): Promise<ToolResult> {
		const ticket = (ticketArg ?? this.defaults.ticket)?.trim();
		if (!ticket) return fail(NO_TICKET);
		const forum = await this.client();
		const threads = (await forum.listThreads({ticket})).filter((thread) => thread.agentName === this.defaults.agent);
		threads.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
		const shown = threads.slice(0, 50);
		return {
			ok: true,
			summary: `${threads.length} thread${threads.length === 1 ? '' : 's'} by ${this.defaults.agent} on ${ticket}${threads.length > shown.length ? ` (newest ${shown.length} shown)` : ''}.`,
			data: {
				ticket,
				agent: this.defaults.agent,
				total: threads.length,
				threads: shown.map((thread) => {
					const decision = decisionOf(thread);
					return {
						thread_id: thread.id,
						title: thread.title,
						state: thread.state,
						priority: thread.priority,
						question_kind: thread.question.kind,
						created_at: thread.createdAt,
						updated_at: thread.updatedAt,
						decision: decision ? decisionJson(decision) : null,
					};
				}),
			},
		};
	}

	async close(): Promise<void> {
		const forum = await this.forum?.catch(() => undefined);
		await forum?.close();
	}
}

function waitSecondsOf(args: Args): number {
	return typeof args['wait_seconds'] === 'number' ? args['wait_seconds'] : DEFAULT_WAIT_SECONDS;
}

function digest(parts: string[]): string {
	return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

/** The question from choices/recommend/approval, or why they do not fit together. */
function questionOf(args: Args): Question | string {
	const choices = Array.isArray(args['choices']) ? (args['choices'] as string[]) : undefined;
	const recommend = typeof args['recommend'] === 'number' ? args['recommend'] : undefined;
	const approval = args['approval'] === true;
	if (approval && choices) return 'give either choices or approval: true, not both';
	if (recommend !== undefined && !choices) return 'recommend needs choices';
	if (approval) return {kind: 'approval'};
	if (!choices) return {kind: 'text'};
	if (recommend !== undefined && recommend > choices.length) return `recommend ${recommend} is past the last of ${choices.length} choices`;
	return {kind: 'choice', choices: choices.map((choice) => choice.trim()), recommended: recommend ?? null};
}

/** One sentence a model cannot misread: what was decided and whether to go ahead. */
function settledSummary(thread: Thread): string {
	const decision = decisionOf(thread);
	if (!decision) return `Thread ${thread.id} was closed without an answer; do not act on it — ask again if you still need a decision.`;
	const by = `by ${decision.author.type} ${decision.author.name}`;
	const reason = decision.body.trim() !== '' ? ` Note: ${decision.body.trim()}` : '';
	const closed = thread.state === 'closed' ? ' (the thread is closed; this was its answer)' : '';
	const amended = decision.amendments > 0 ? ` (amended ${decision.amendments}×)` : '';
	if (thread.question.kind === 'approval') {
		if (decisionExitCode(thread) === 0) return `APPROVED ${by}${amended}${closed}: go ahead.${reason}`;
		if (decision.kind === 'approval') return `DENIED ${by}${amended}${closed}: do not proceed.${reason}`;
		return `Not approved: answered in words ${by}${amended}${closed}; do not proceed without an explicit approval.${reason}`;
	}
	if (decision.kind === 'choice' && decision.choice) return `Chose ${decision.choice.index} "${decision.choice.label}" ${by}${amended}${closed}.${reason}`;
	return `Answered ${by}${amended}${closed}: ${decision.body.trim()}`;
}
