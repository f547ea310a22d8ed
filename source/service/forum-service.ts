/** The forum as one object: `dispatch` (the only write path), queries, and the live feed. */
import {createHash} from 'node:crypto';
import os from 'node:os';
import {EventEmitter} from 'node:events';
import {ForumError} from '../forum/errors.js';
import {decide, type SlaRule} from '../forum/rules.js';
import {decisionHeadline, decisionOf, reusedAnswer} from '../forum/answers.js';
import {jaccard, SIMILAR_THRESHOLD, wordSet} from '../forum/similar.js';

/** How many decided threads of the ticket, and of the agent, a question is compared with. */
export const SIMILAR_CANDIDATES = 50;
import {eventTime} from '../forum/event-time.js';
import {storageClock} from './storage-clock.js';
import type {Actor, AgentPane, Command, CommandBody, Rejection, StoredEvent, Thread, ThreadState} from '../forum/types.js';
import {THREAD_STATES} from '../forum/types.js';
import {defaultPolicy, type Policy} from '../policy/policy.js';
import {checkAgentPane} from '../forum/validate.js';
import {ForumStore, type Assignment, type EventFilter, type Post, type ThreadFilter, type Transition, type WarningListener} from '../store/store.js';
import {rebuildProjections, verifyProjections, type ProgressListener, type RebuildOptions} from '../store/rebuild.js';
import type {BackupResult} from '../store/backup.js';
import type {OriginalDatabase} from '../store/original.js';
import type {ImportOptions, ImportSummary} from './import.js';
import type {SignedCommandRecord} from '../store/meta.js';
import type {ProjectionSnapshot} from '../store/snapshot.js';
import {checkIdentity, describeChange, headerMark, identityOf, setAsideStaleWal, type FileIdentity} from './file-identity.js';
import {newCommandId, newEventId, newThreadId} from './ids.js';
import {watchCommits, type CommitSignal, type CommitWatch} from './commit-watch.js';

/** A command before dispatch fills in what the caller may omit. */
export type CommandInput = CommandBody & {commandId?: string; actor: Actor; ifVersion?: number};

export type DispatchResult =
	| {
			ok: true;
			/** True when the command id had been applied before: nothing was written. */
			duplicate: boolean;
			commandId: string;
			threadId: string;
			events: StoredEvent[];
			thread: Thread | undefined;
	  }
	| {ok: false; commandId: string; rejection: Rejection};

export interface ThreadDetail {
	thread: Thread;
	/** The tmux pane the agent asked from, as recorded in the thread's opened event; null if none. */
	agentPane: AgentPane | null;
	posts: Post[];
	assignments: Assignment[];
	transitions: Transition[];
}

/** An answered thread that asks much the same as another (same ticket or agent): its decision, for `R`. */
export interface SimilarAnswer {
	threadId: string;
	ticket: string;
	title: string;
	/** decisionHeadline of its decision. */
	headline: string;
	/** When it was answered. */
	at: string;
	/** The decision's event id: `R` sends it, so a decision amended since is refused, not reused. */
	postId?: string;
	/** Jaccard similarity of the two questions' word sets, 0..1. */
	score: number;
}

export interface ListFilter extends ThreadFilter {
	/** Put escalated threads first (the dashboard's order); `list` sorts by priority then wait. */
	escalatedFirst?: boolean;
	/** Newest first (updated_at, then id, descending): the Closed section's pages, with `before` as the keyset. */
	recent?: boolean;
	limit?: number;
}

/** How many escalated threads `status` returns in full (the count is exact); the CLI says how many more. */
export const STATUS_ESCALATED_LIMIT = 100;

export interface ForumStatus {
	total: number;
	counts: Record<ThreadState, number>;
	escalations: number;
	/** The first escalated threads in queue order, at most STATUS_ESCALATED_LIMIT (`escalations` counts them all). */
	escalated: Thread[];
	lastSequence: number;
	/** A remote view that cannot be complete says why; counts may then be short. */
	partial?: string;
}

export interface ServiceOptions {
	/** Database file, or `:memory:`. */
	db: string;
	policy?: Policy;
	/** The clock; tests pass a fixed one. */
	clock?: () => Date;
	/**
	 * How often to look for commits by other processes besides the file watch that wakes this
	 * process on each one (commit-watch.ts), in ms: the fallback for filesystems that send no
	 * notifications. Default 1000; 100 while the directory cannot be watched at all.
	 */
	pollMs?: number;
	/**
	 * The reference clock a writer's clock is checked against (ms). Default: the database
	 * host's, read from a probe file's mtime, when `clock` is not given; none with a `clock`.
	 */
	referenceClock?: () => number | undefined;
	/** SQLite busy timeout of this connection, in ms (default 5000): the dashboard waits in short attempts so its frame keeps drawing. */
	busyTimeoutMs?: number;
	/** Create the database when missing (default true); read commands pass false. */
	create?: boolean;
	/**
	 * A store the caller made and owns (a remote view's private in-memory replica); `db` is then
	 * only its name. The service never reopens it.
	 */
	store?: ForumStore;
	/** Watch the database's files to wake on commit (default true); false polls as on a system without notifications. */
	watchFiles?: boolean;
}

export type FeedListener = (events: StoredEvent[]) => void;

/**
 * What a command says, as a short hash: type, thread, payload and actor, without its id, the
 * version it was made on, or a generated thread id. Equal content gives an equal fingerprint.
 */
export function commandFingerprint(input: CommandInput): string {
	// Where the agent asked from and what the operator saw are circumstances, not content: a
	// retry from another pane, or after the pane scrolled, is the same command.
	const {commandId: _id, ifVersion: _version, agentPane: _pane, context: _context, ...content} = input as CommandInput & {agentPane?: unknown; context?: unknown};
	const canonical = (value: unknown): unknown => {
		if (Array.isArray(value)) return value.map(canonical);
		if (value && typeof value === 'object') {
			return Object.fromEntries(
				Object.entries(value)
					.filter(([, field]) => field !== undefined && field !== null)
					.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
					.map(([key, field]) => [key, canonical(field)]),
			);
		}
		return value;
	};
	return createHash('sha256').update(JSON.stringify(canonical(content))).digest('base64url').slice(0, 22);
}

/** The default actor name: METAWSM_ACTOR_NAME or the OS user. */
export function defaultActorName(): string {
	const fromEnv = process.env['METAWSM_ACTOR_NAME']?.trim();
	if (fromEnv) return fromEnv;
	try {
		return os.userInfo().username || 'unknown';
	} catch {
		return 'unknown';
	}
}

export class ForumService {
	private currentStore: ForumStore;
	readonly policy: Policy;
	readonly clock: () => Date;
	private readonly pollMs: number | undefined;
	private commitWatch: CommitWatch | undefined;
	private readonly watchFiles: boolean;
	private readonly emitter = new EventEmitter();
	private timer: NodeJS.Timeout | undefined;
	private walTimer: NodeJS.Timeout | undefined;
	private seenVersion = -1;
	private feedCursor = 0;
	private readonly warningListeners = new Set<WarningListener>();
	/** The file this process opened (device, inode, header mark); undefined for `:memory:`. */
	private opened: (FileIdentity & {mark: number | undefined}) | undefined;
	/** Set while the database path is not the file this process opened. */
	private replaced: string | undefined;
	/** The -wal file beside the database when it was last the file this process opened. */
	private walSeen: FileIdentity | undefined;
	private readonly reference: (() => number | undefined) | undefined;
	private readonly storeOptions: {create?: boolean; busyTimeoutMs?: number};
	private readonly wordSets = new Map<string, Set<string>>();

	/** The reference clock now (ms), or undefined when there is none. */
	private referenceNow(): number | undefined {
		try {
			return this.reference?.();
		} catch {
			return undefined;
		}
	}

	constructor(options: ServiceOptions) {
		this.policy = options.policy ?? defaultPolicy();
		this.clock = options.clock ?? (() => new Date());
		this.pollMs = options.pollMs;
		this.watchFiles = options.watchFiles ?? true;
		this.reference = options.referenceClock ?? (options.clock || options.db === ':memory:' ? undefined : storageClock(options.db));
		this.storeOptions = {create: options.create, busyTimeoutMs: options.busyTimeoutMs};
		this.currentStore = options.store ? this.watchWarnings(options.store) : this.openStore(options.db);
		this.emitter.setMaxListeners(0);
	}

	/**
	 * The SQLite store; replaced when the database file is (see fileProblem). Private: every write
	 * goes through dispatch or one of the named methods below, never around them.
	 */
	get #store(): ForumStore {
		return this.currentStore;
	}

	/** The database file this service reads and writes (`:memory:` for an in-memory one). */
	get file(): string {
		return this.currentStore.file;
	}

	/** Counts the stores opened: changes when the database file was replaced and reopened. */
	get generation(): number {
		return this.opens;
	}

	private opens = 0;

	private watchWarnings(store: ForumStore): ForumStore {
		store.onWarning((bad) => {
			for (const listener of this.warningListeners) listener(bad);
		});
		this.opens += 1;
		return store;
	}

	private openStore(file: string): ForumStore {
		const store = new ForumStore(file, {create: this.storeOptions.create});
		if (this.storeOptions.busyTimeoutMs !== undefined) store.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(this.storeOptions.busyTimeoutMs))}`);
		const identity = file === ':memory:' ? undefined : identityOf(file);
		this.opened = identity && {...identity, mark: headerMark(file)};
		return this.watchWarnings(store);
	}

	/**
	 * Why the database path is no longer the file this process opened (removed, another file
	 * moved there, a backup copied over it), or undefined. Checked on every poll and before
	 * every write. A new file at the path is reopened; an overwritten one is left alone.
	 */
	fileProblem(options: {quick?: boolean} = {}): string | undefined {
		if (!this.opened) return undefined;
		const file = this.currentStore.file;
		// A quick check (before a write) keeps what a full one (the poll) found.
		if (options.quick && this.replaced) return this.replaced;
		const check = checkIdentity(file, this.opened, options.quick);
		if (check.same && options.quick) {
			this.walSeen = identityOf(`${file}-wal`);
			return undefined;
		}
		if (check.same) {
			this.replaced = undefined;
			this.opened.mark ??= headerMark(file);
			this.walSeen = identityOf(`${file}-wal`);
			return undefined;
		}
		const message = describeChange(file, check);
		if (check.kind === 'moved') {
			// Another inode: closing ours first folds our WAL into the old file (and removes the -wal
			// beside the path when we were its last user), so the new file opens clean.
			try {
				this.currentStore.close();
				// SQLite leaves a moved database's WAL beside the path; it is the old file's, not the new one's.
				setAsideStaleWal(file, this.walSeen);
				this.currentStore = this.openStore(file);
			} catch (error) {
				if (this.replaced !== message) this.fail(error);
				this.replaced = message;
				return message;
			}
			this.replaced = undefined;
			this.seenVersion = -1;
			this.feedCursor = -1;
			this.fail(new ForumError('runtime', 'database_replaced', message));
			return undefined;
		}
		if (this.replaced !== message) {
			this.replaced = message;
			this.fail(new ForumError('runtime', 'database_unusable', message));
		}
		return message;
	}

	/** This forum's id, made once in SQLite; names its streams on Redis. */
	forumId(): string {
		return this.#store.read(() => this.#store.meta.forumId());
	}

	/** A value of forum_meta (transport state). */
	meta(key: string): string | undefined {
		return this.#store.read(() => this.#store.meta.get(key));
	}

	/** A consumer's cursor (forum_checkpoints). */
	checkpoint(consumer: string): number {
		return this.#store.checkpoint(consumer);
	}

	/** Set a consumer's cursor, and forum_meta values with it, in one transaction. */
	setCheckpoint(consumer: string, sequence: number, meta: Record<string, string> = {}): void {
		this.#store.write(() => {
			this.#store.setCheckpoint(consumer, sequence, this.now());
			for (const [key, value] of Object.entries(meta)) this.#store.meta.set(key, value);
		});
	}

	/**
	 * Move a consumer's cursor to `sequence` only if it is still before it, with `commit` run in
	 * the same write transaction (the SQLite write lock is the cross-process mutex): 'moved' when
	 * another process got there first, 'changed' when `commit` declined, else 'done'.
	 */
	advanceCheckpoint(consumer: string, sequence: number, commit: () => 'done' | 'changed' = () => 'done'): 'done' | 'moved' | 'changed' {
		return this.#store.write(() => {
			if (sequence <= this.#store.checkpoint(consumer)) return 'moved';
			const outcome = commit();
			if (outcome === 'done') this.#store.setCheckpoint(consumer, sequence, this.now());
			return outcome;
		});
	}

	/**
	 * Import the Go original's events (service/import.ts), through the store's import path.
	 * Loaded on use: an agent's `ask` never pays for the importer or the backup code.
	 */
	async importOriginal(source: string | OriginalDatabase, options: ImportOptions = {}): Promise<ImportSummary> {
		const {importOriginal} = await import('./import.js');
		return importOriginal(this.#store, source, options);
	}

	/** A consistent copy of the database at `target` (store/backup.ts), loaded on use. */
	async backup(target: string, options: {force?: boolean} = {}): Promise<BackupResult> {
		const {backupDatabase} = await import('../store/backup.js');
		return backupDatabase(this.#store, target, options);
	}

	/** The thread as projected, without its posts (undefined when unknown). */
	threadSummary(threadId: string): Thread | undefined {
		return this.#store.read(() => this.#store.loadThread(threadId));
	}

	/** Readable events after `cursor` and where to read on from (bad rows skipped). */
	eventPage(cursor: number, limit = 1000): ReturnType<ForumStore['eventPage']> {
		return this.#store.eventPage(cursor, {}, limit);
	}

	/** The event id at `sequence`, if that row exists. */
	eventIdAt(sequence: number): string | undefined {
		return this.#store.eventsBetween(sequence, sequence)[0]?.event_id;
	}

	/** The projections at the log's end (what a remote view starts from). */
	snapshot(): ProjectionSnapshot {
		return this.#store.snapshot();
	}

	signedCommand(commandId: string): SignedCommandRecord | undefined {
		return this.#store.read(() => this.#store.meta.signedCommand(commandId));
	}

	recordSignedCommand(record: SignedCommandRecord): void {
		this.#store.write(() => this.#store.meta.recordSignedCommand(record));
	}

	get sla(): SlaRule {
		return {
			escalationMinutes: this.policy.forum.sla.escalation_minutes,
			byPriority: this.policy.forum.sla.escalation_minutes_by_priority,
		};
	}

	now(): string {
		return this.clock().toISOString();
	}

	/** Apply one command: decide, append its events and update projections in one transaction. */
	dispatch(input: CommandInput): DispatchResult {
		const commandId = input.commandId ?? newCommandId();
		if (!this.policy.forum.enabled) {
			throw new ForumError('refused', 'forum_disabled', 'the forum is disabled by policy (forum.enabled is false)');
		}
		const replaced = this.fileProblem({quick: true});
		if (replaced) throw new ForumError('runtime', 'database_unusable', `${replaced}; nothing was written`);
		const fingerprint = commandFingerprint(input);
		const command = {...input, commandId} as Command;
		if (command.type === 'ask' && command.threadId === undefined) command.threadId = newThreadId();
		const result = this.#store.write((): DispatchResult => {
			const previous = this.#store.findCommand(commandId);
			if (previous) {
				const differs =
					previous.commandType !== command.type ||
					(command.type !== 'ask' && previous.threadId !== command.threadId) ||
					(previous.fingerprint !== null && previous.fingerprint !== fingerprint);
				if (differs) {
					return {
						ok: false,
						commandId,
						rejection: {
							code: 'command_id_conflict',
							message: `command id ${commandId} was already used${previous.appliedAt ? ` at ${previous.appliedAt}` : ''} for a different command (${previous.commandType} on thread ${previous.threadId}); nothing was written, use a new command id for a new command`,
						},
					};
				}
				const events = this.#store.eventsBetween(previous.firstSequence, previous.lastSequence);
				return {ok: true, duplicate: true, commandId, threadId: previous.threadId, events, thread: this.#store.loadThread(previous.threadId)};
			}
			const threadId = command.threadId!;
			const before = this.#store.loadThread(threadId);
			// Monotonic per thread, and a wrong writer clock replaced (forum/event-time.ts).
			const stamp = eventTime({writerNow: this.now(), referenceMs: this.referenceNow(), previous: before?.updatedAt});
			const now = stamp.at;
			const since =
				before && command.ifVersion !== undefined && Number.isInteger(command.ifVersion) && command.ifVersion >= 0
					? this.#store.threadEventsAfter(threadId, command.ifVersion)
					: undefined;
			const reused = command.type === 'answer' && command.reuses && typeof command.reuses.threadId === 'string' ? this.#store.loadThread(command.reuses.threadId) : undefined;
			const decision = decide(before, command, {now, docsSync: this.policy.forum.docs_sync.enabled, sla: this.sla, since, reused});
			if (!decision.ok) return {ok: false, commandId, rejection: decision.rejection};
			const identity =
				command.type === 'ask'
					? {ticket: command.ticket.trim(), run_id: command.runId?.trim() || null, agent_name: command.agentName.trim()}
					: {ticket: before!.ticket, run_id: before!.runId, agent_name: before!.agentName};
			const events: StoredEvent[] = [];
			let thread = before;
			let causation = commandId;
			for (const draft of decision.events) {
				const event = this.#store.insertEvent({
					...draft,
					...(stamp.writerClock ? {payload: {...draft.payload, writer_clock: stamp.writerClock} as unknown as typeof draft.payload} : {}),
					event_id: newEventId(),
					event_version: 1,
					occurred_at: now,
					thread_id: threadId,
					...identity,
					actor_type: command.actor.type,
					actor_name: command.actor.name,
					correlation_id: commandId,
					causation_id: causation,
					command_id: commandId,
				});
				causation = event.event_id;
				thread = this.#store.projector.apply(event, thread);
				events.push(event);
			}
			if (events.length > 0) {
				this.#store.recordCommand(
					{commandId, commandType: command.type, threadId, firstSequence: events[0]!.sequence, lastSequence: events.at(-1)!.sequence, fingerprint},
					now,
				);
			}
			return {ok: true, duplicate: false, commandId, threadId, events, thread};
		});
		if (result.ok && result.events.length > 0 && !result.duplicate) {
			this.notify();
			this.scheduleWalCheckpoint();
		}
		return result;
	}

	/**
	 * Run `work` (its dispatches) in one write transaction: one commit for many commands when
	 * seeding or loading in bulk. Each dispatch still decides on what the ones before it wrote; a
	 * throw rolls all of them back.
	 */
	batch<T>(work: () => T): T {
		return this.#store.write(work);
	}

	getThread(threadId: string): ThreadDetail | undefined {
		const thread = this.#store.read(() => this.#store.loadThread(threadId));
		if (!thread) return undefined;
		const opened = this.#store.openedEvent(threadId);
		return {
			thread,
			// An extra field of the opened event: one that does not fit (hand-edited, hostile) is ignored, never used in a tmux call.
			agentPane: opened?.event_type === 'forum.thread.opened' && opened.payload.agent_pane && !checkAgentPane(opened.payload.agent_pane) ? opened.payload.agent_pane : null,
			posts: this.#store.posts(threadId),
			assignments: this.#store.assignments(threadId),
			transitions: this.#store.transitions(threadId),
		};
	}

	/**
	 * The answered thread of the same ticket or agent that asks most nearly what `threadId`
	 * asks (questionSimilarity ≥ SIMILAR_THRESHOLD), or undefined. Only for a thread without a
	 * decision; compares at most SIMILAR_CANDIDATES of each (newest first).
	 */
	similarAnswer(threadId: string): SimilarAnswer | undefined {
		const thread = this.#store.loadThread(threadId);
		if (!thread || thread.state === 'closed' || decisionOf(thread)) return undefined;
		let best: SimilarAnswer | undefined;
		const mine = this.wordsOf(thread);
		for (const candidate of this.#store.decidedNear(thread, SIMILAR_CANDIDATES)) {
			const decision = decisionOf(candidate);
			if (!decision) continue;
			// Only a decision R could send: the same kind of question, the same options.
			if (!reusedAnswer(thread, candidate, candidate.id).ok) continue;
			const score = jaccard(mine, this.wordsOf(candidate));
			if (score < SIMILAR_THRESHOLD || (best && score <= best.score)) continue;
			best = {threadId: candidate.id, ticket: candidate.ticket, title: candidate.title, headline: decisionHeadline(decision), at: decision.at, postId: decision.eventId, score};
		}
		return best;
	}

	/** A question's word set; title and body never change, so it is kept by thread id (a bounded cache). */
	private wordsOf(thread: Pick<Thread, 'id' | 'title' | 'body'>): Set<string> {
		let set = this.wordSets.get(thread.id);
		if (!set) {
			set = wordSet(`${thread.title}\n${thread.body}`);
			if (this.wordSets.size >= 5000) this.wordSets.delete(this.wordSets.keys().next().value!);
			this.wordSets.set(thread.id, set);
		}
		return set;
	}

	/** Threads matching the filter, in queue order. */
	listThreads(filter: ListFilter = {}): Thread[] {
		// The SLA pass's pages need no order: the first `limit` due threads, without sorting them all.
		if (filter.escalationDue && !filter.escalatedFirst) return this.#store.threads(filter, {top: filter.limit});
		if (filter.recent) return this.#store.threads(filter, {recent: true, top: filter.limit});
		if (!filter.escalatedFirst) return this.#store.threads(filter, {ordered: true, top: filter.limit});
		// Escalation depends on the clock: the SQL order is given the time and SLA to judge it by.
		return this.#store.threads(filter, {escalation: {now: this.now(), sla: this.sla}, top: filter.limit});
	}

	eventsAfter(cursor: number, filter: EventFilter = {}, limit = 1000): StoredEvent[] {
		return this.#store.eventsAfter(cursor, filter, limit);
	}

	lastSequence(): number {
		return this.#store.lastSequence();
	}

	/** Counts by state (forum_thread_stats) and escalations (counted and cut in SQL), all as of one sequence. */
	status(filter: {ticket?: string; runId?: string} = {}): ForumStatus {
		const escalation = {now: this.now(), sla: this.sla};
		// One read transaction: the counts, the escalations and lastSequence describe the same moment.
		return this.#store.read(() =>
			this.#store.db
				.transaction((): ForumStatus => {
					const byState = this.#store.stateCounts(filter);
					const counts = Object.fromEntries(THREAD_STATES.map((state) => [state, byState.get(state) ?? 0])) as Record<ThreadState, number>;
					const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
					const escalations = this.#store.escalationCount(filter, escalation);
					const escalated = this.#store.threads({...filter, escalated: escalation}, {escalation, top: STATUS_ESCALATED_LIMIT});
					return {total, counts, escalations, escalated, lastSequence: this.#store.lastSequence()};
				})
				.deferred(),
		);
	}

	markSeen(threadId: string, viewer: string, sequence: number): void {
		this.#store.markSeen(threadId, viewer, sequence);
	}

	seenCursors(viewer: string, options?: {threadIds?: readonly string[]; open?: boolean}): Map<string, number> {
		return this.#store.seenCursors(viewer, options);
	}

	/** Replay every event into new projections in short batches (writers go on between them), then swap them in. */
	rebuild(options: RebuildOptions = {}): ReturnType<typeof rebuildProjections> {
		return rebuildProjections(this.#store, options);
	}

	verify(options: {onProgress?: ProgressListener} = {}): ReturnType<typeof verifyProjections> {
		return verifyProjections(this.#store, options);
	}

	/**
	 * Call `listener` with every batch of events after `after` as they commit, from this
	 * process (at once) or others (woken by a watch on the database's files, checked by PRAGMA data_version). Returns unsubscribe.
	 */
	subscribe(listener: FeedListener, options: {after?: number; filter?: EventFilter} = {}): () => void {
		let cursor = options.after ?? this.#store.lastSequence();
		const deliver = () => {
			for (;;) {
				// The page's cursor moves past bad rows too, so one never stalls the feed.
				const page = this.#store.eventPage(cursor, options.filter, 1000);
				cursor = page.cursor;
				if (page.events.length > 0) listener(page.events);
				if (!page.more) return;
			}
		};
		const onChange = () => {
			try {
				deliver();
			} catch (error) {
				this.fail(error);
			}
		};
		this.emitter.on('change', onChange);
		this.startPolling();
		// Deliver what is already after the cursor.
		queueMicrotask(onChange);
		return () => {
			this.emitter.off('change', onChange);
			if (this.emitter.listenerCount('change') === 0) this.stopPolling();
		};
	}

	/** Errors met while polling for other processes' commits (a locked or vanished database). */
	onError(listener: (error: unknown) => void): () => void {
		this.emitter.on('error', listener);
		return () => this.emitter.off('error', listener);
	}

	/** Bad events skipped by a read (feed, eventsAfter, rebuild), once per sequence; the CLI prints them on stderr. */
	onWarning(listener: WarningListener): () => void {
		this.warningListeners.add(listener);
		return () => void this.warningListeners.delete(listener);
	}

	close(): void {
		this.stopPolling();
		if (this.walTimer) clearTimeout(this.walTimer);
		this.walTimer = undefined;
		this.emitter.removeAllListeners();
		this.#store.close();
	}

	private fail(error: unknown): void {
		// A feed error must not crash the process; listeners decide what to show.
		if (this.emitter.listenerCount('error') > 0) this.emitter.emit('error', error);
	}

	private notify(): void {
		// Listeners read from their own cursor; tell them after the current call stack.
		queueMicrotask(() => this.emitter.emit('change'));
	}

	/**
	 * Checkpoint shortly after writes, outside any command: SQLite's automatic checkpoint
	 * would otherwise run inside an unlucky commit and set dispatch's p99.
	 */
	private scheduleWalCheckpoint(): void {
		if (this.walTimer || this.#store.file === ':memory:') return;
		this.walTimer = setTimeout(() => {
			this.walTimer = undefined;
			// Never fold our WAL into a file that is no longer ours (a backup copied over it): check first.
			if (this.#store.db.open && !this.fileProblem()) this.#store.checkpointWal();
		}, 250);
		this.walTimer.unref();
	}

	/**
	 * Has another process committed? Then tell the feed. Run on every file notification and by
	 * the fallback timer; `commit` (only the -wal changed) skips the file-identity check, which the
	 * timer and any notification about the database file itself still make.
	 */
	private checkForCommits(signal: CommitSignal | 'timer' = 'timer'): void {
		try {
			// Until the header's mark is known (a new database's header may still be in the WAL), every check is whole.
			const whole = signal !== 'commit' || (this.opened !== undefined && this.opened.mark === undefined);
			if (whole && this.fileProblem()) return;
			if (!whole && this.replaced) return;
			const version = this.#store.dataVersion();
			if (version === this.seenVersion) return;
			this.seenVersion = version;
			const last = this.#store.lastSequence();
			if (last !== this.feedCursor) {
				this.feedCursor = last;
				this.emitter.emit('change');
			}
		} catch (error) {
			this.fail(error);
		}
	}

	/**
	 * Wake on commit (a watch on the database's directory), with a slow data_version check as the
	 * fallback. Without a watch (Linux allows 128 inotify instances per user by default: the 129th
	 * waiter gets none) it polls every 250 ms (data_version only; the file's identity each second)
	 * and tries to set the watch up again every 10 s.
	 */
	private startPolling(): void {
		if (this.timer) return;
		this.seenVersion = this.#store.dataVersion();
		this.feedCursor = this.#store.lastSequence();
		const file = this.#store.file;
		const watching = file !== ':memory:' && this.watchFiles;
		const arm = () => {
			this.commitWatch?.close();
			this.commitWatch = watching ? watchCommits(file, (signal) => this.checkForCommits(signal)) : undefined;
		};
		arm();
		const unwatchedMs = 250;
		const every = this.pollMs ?? (this.commitWatch?.active ? 1000 : unwatchedMs);
		let ticks = 0;
		this.timer = setInterval(() => {
			ticks++;
			if (this.commitWatch?.active || file === ':memory:') return this.checkForCommits();
			// No watch: a quick look each tick, the whole check each second, a new watch every 10 s.
			if (watching && ticks % Math.max(1, Math.round(10_000 / every)) === 0) arm();
			this.checkForCommits(this.commitWatch?.active || ticks % Math.max(1, Math.round(1000 / every)) === 0 ? 'timer' : 'commit');
		}, every);
	}

	private stopPolling(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
		this.commitWatch?.close();
		this.commitWatch = undefined;
	}
}
