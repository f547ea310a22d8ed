import type Database from 'better-sqlite3';
/** The forum's SQLite store: append events, read projections, keep cursors. Synchronous (better-sqlite3). */
import {ESCALATING, ESCALATING_PRIORITIES, isEscalated, PRIORITY_RANK, QUEUE_ORDER, slaCutoff, type SlaRule} from '../forum/rules.js';
import {matchesQuery, type ThreadQuery} from '../forum/filter.js';
import {PRIORITIES, THREAD_STATES, type AnswerMark, type EventType, type ForumEvent, type StoredEvent, type Thread, type ThreadState} from '../forum/types.js';
import {explainStorageError, openDatabase, type Db, type OpenOptions} from './database.js';
import {createProjector, type Projector} from './projection.js';
import type {BadEvent} from '../forum/event-shape.js';
import {decodeEventRow, eventToRow, THREAD_COLUMNS, threadFromRow, type EventRow, type ThreadRow} from './rows.js';
import {createMeta, type ForumMeta} from './meta.js';
import {loadSnapshotRows, takeSnapshot, type ProjectionSnapshot} from './snapshot.js';

export interface EventFilter {
	threadId?: string;
	ticket?: string;
	runId?: string;
	types?: readonly EventType[];
	commandId?: string;
}

// THREAD_COLUMNS in order, checked at load so the two cannot drift apart.
const THREAD_ROW_KEYS = ['thread_id', 'ticket', 'run_id', 'agent_name', 'title', 'body', 'created_by_type', 'created_by_name', 'created_at', 'state', 'priority', 'assignee_type', 'assignee_name', 'posts_count', 'last_post_at', 'last_post_by_type', 'last_post_by_name', 'updated_at', 'state_since', 'waiting_since', 'state_changes', 'escalated_at', 'closed_at', 'last_sequence', 'question_json', 'answer_json', 'snoozed_until'];
if (THREAD_COLUMNS.split(',').map((column) => column.trim().replace(/^[a-z]\./, '')).join() !== THREAD_ROW_KEYS.join()) {
	throw new Error('store.ts: threadFromValues no longer matches THREAD_COLUMNS');
}

/** A thread from a raw row (values in THREAD_COLUMNS order); a literal keeps one object shape. */
function threadFromValues(v: unknown[]): Thread {
	return threadFromRow({thread_id: v[0], ticket: v[1], run_id: v[2], agent_name: v[3], title: v[4], body: v[5], created_by_type: v[6], created_by_name: v[7], created_at: v[8], state: v[9], priority: v[10], assignee_type: v[11], assignee_name: v[12], posts_count: v[13], last_post_at: v[14], last_post_by_type: v[15], last_post_by_name: v[16], updated_at: v[17], state_since: v[18], waiting_since: v[19], state_changes: v[20], escalated_at: v[21], closed_at: v[22], last_sequence: v[23], question_json: v[24], answer_json: v[25], snoozed_until: v[26]} as ThreadRow);
}

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

/**
 * isEscalated as an SQL condition over `v`: the same states, priorities and per-priority cutoffs
 * on waiting_since, and not while snoozed. One term per priority, so forum_thread_views_by_wait
 * (state, priority, waiting_since) answers each as a range.
 */
export function escalatedSql({now, sla}: {now: string; sla: SlaRule}): {sql: string; params: string[]} {
	const timed = PRIORITIES.filter((priority) => !ESCALATING_PRIORITIES.includes(priority));
	const params = [...timed.map((priority) => slaCutoff(priority, now, sla)), now];
	const states = `v.state IN (${quoted(ESCALATING)})`;
	// Each OR term names the state, so SQLite answers each from the index and unions them.
	const terms = [`(${states} AND v.priority IN (${quoted(ESCALATING_PRIORITIES)}))`, ...timed.map((priority) => `(${states} AND v.priority = '${priority}' AND v.waiting_since <= ?)`)];
	return {sql: `((${terms.join(' OR ')}) AND (v.snoozed_until IS NULL OR v.snoozed_until <= ?))`, params};
}

/**
 * QUEUE_ORDER as an SQL ORDER BY over `v` (forum_thread_views), with its parameters. With
 * `escalation` (the time and SLA to judge it by) escalated threads come first, decided as
 * isEscalated does; without it the escalation key is left out (the `list` order).
 */
export function queueOrderSql(escalation?: {now: string; sla: SlaRule}): {sql: string; params: string[]} {
	const escalated = escalation ? escalatedSql(escalation) : undefined;
	const params = escalated?.params ?? [];
	const columns: Record<(typeof QUEUE_ORDER)[number]['key'], string | undefined> = {
		escalated: escalated ? `CASE WHEN ${escalated.sql} THEN 1 ELSE 0 END` : undefined,
		rank: `CASE v.priority ${PRIORITIES.map((priority) => `WHEN '${priority}' THEN ${PRIORITY_RANK[priority]}`).join(' ')} ELSE -1 END`,
		waitingSince: 'v.waiting_since',
		id: 'v.thread_id',
	};
	const terms = QUEUE_ORDER.flatMap(({key, descending}) => (columns[key] === undefined ? [] : [`${columns[key]}${descending ? ' DESC' : ''}`]));
	return {sql: terms.join(', '), params};
}

export interface ThreadFilter {
	states?: readonly ThreadState[];
	/** Only threads escalated at this time under this SLA (isEscalated, as escalatedSql says it). */
	escalated?: {now: string; sla: SlaRule};
	/** Keyset paging of the most-recent order: only threads updated before this one (updated_at, then id). */
	before?: {updatedAt: string; id: string};
	/** Only threads past their SLA at this time with no escalation recorded in their current state: the SLA pass's work. */
	escalationDue?: {now: string; sla: SlaRule};
	ticket?: string;
	runId?: string;
	threadIds?: readonly string[];
	/**
	 * A parsed filter (forum/filter.ts) and what it needs: the viewer for `assignee:me`, the time
	 * and SLA for `escalated:`. Its fields become SQL conditions; free words are matched after.
	 */
	query?: QueryFilter;
}

export interface QueryFilter {
	query: ThreadQuery;
	me: string;
	now: string;
	sla: SlaRule;
}

/** `prefix%` for LIKE, with LIKE's own characters escaped (ESCAPE '\'). */
function likePrefix(prefix: string): string {
	return `${prefix.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** A query's fields as SQL over `v` (free words excepted: SQL's LIKE folds only ASCII case). */
function querySql({query, me, now, sla}: QueryFilter): {clauses: string[]; params: string[]} {
	const clauses: string[] = [];
	const params: string[] = [];
	if (query.priorities) {
		clauses.push(query.priorities.length === 0 ? '0' : `v.priority IN (${query.priorities.map(() => '?').join(', ')})`);
		params.push(...query.priorities);
	}
	for (const prefix of query.agents) {
		clauses.push(`v.agent_name LIKE ? ESCAPE '\\'`);
		params.push(likePrefix(prefix));
	}
	for (const prefix of query.tickets) {
		clauses.push(`v.ticket LIKE ? ESCAPE '\\'`);
		params.push(likePrefix(prefix));
	}
	for (const term of query.assignees) {
		if (term.kind === 'me') {
			clauses.push(`(v.assignee_name = ? AND v.assignee_type <> 'agent')`);
			params.push(me);
		} else if (term.kind === 'none') clauses.push('(v.assignee_name IS NULL OR v.assignee_type IS NULL)');
		else {
			clauses.push(`v.assignee_name LIKE ? ESCAPE '\\'`);
			params.push(likePrefix(term.prefix));
		}
	}
	if (query.escalated !== undefined) {
		const escalated = escalatedSql({now, sla});
		clauses.push(query.escalated ? escalated.sql : `NOT ${escalated.sql}`);
		params.push(...escalated.params);
	}
	return {clauses, params};
}

/** A page of the log: its readable events, and the sequence read up to (bad rows included). */
export interface EventPage {
	events: StoredEvent[];
	/** The last sequence read, good or bad (the given cursor when nothing was): where to read on from. */
	cursor: number;
	/** True when the page was full: there may be more after `cursor`. */
	more: boolean;
}

export type WarningListener = (bad: BadEvent) => void;

/** A decided thread as answer reuse compares it: its question and its decision. */
export type DecidedThread = Pick<Thread, 'id' | 'ticket' | 'agentName' | 'title' | 'body' | 'state' | 'question' | 'answer'>;

export interface Post {
	sequence: number;
	eventId: string;
	authorType: string;
	authorName: string;
	body: string;
	createdAt: string;
	/** Set when this post is an answer (or an amendment of one). */
	answer: AnswerMark | null;
}

export interface Assignment {
	sequence: number;
	fromType: string | null;
	fromName: string | null;
	toType: string;
	toName: string;
	note: string;
	assignedByType: string;
	assignedByName: string;
	assignedAt: string;
}

export interface Transition {
	sequence: number;
	fromState: ThreadState;
	toState: ThreadState;
	actorType: string;
	actorName: string;
	changedAt: string;
}

export interface CommandRecord {
	commandId: string;
	commandType: string;
	threadId: string;
	firstSequence: number;
	lastSequence: number;
	/** What the command said (see commandFingerprint); null for commands recorded before fingerprints. */
	fingerprint: string | null;
	appliedAt?: string;
}

type Condition = [sql: string, value: string | number | readonly string[] | undefined];

/**
 * A WHERE clause from optional conditions: `['col = ?', value]` applies when value is set;
 * `['col', values]` becomes `col IN (...)` when the list is non-empty.
 */
function conditions(list: Condition[]): {where: string; params: (string | number)[]} {
	const clauses: string[] = [];
	const params: (string | number)[] = [];
	for (const [sql, value] of list) {
		if (value === undefined || value === '') continue;
		if (Array.isArray(value)) {
			if (value.length === 0) continue;
			clauses.push(`${sql} IN (${value.map(() => '?').join(', ')})`);
			params.push(...value);
		} else {
			clauses.push(sql);
			params.push(value as string | number);
		}
	}
	return {where: clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '', params};
}

export class ForumStore {
	readonly db: Db;
	readonly projector: Projector;
	/** Forum id, transport state and signed command ids (forum_meta, forum_signed_commands). */
	readonly meta: ForumMeta;
	private readonly statements;
	/** One wrapper for every write: db.transaction() per call costs more than the insert. */
	private readonly transaction: Database.Transaction<(fn: () => unknown) => unknown>;
	private readonly warningListeners = new Set<WarningListener>();
	/** Sequences already warned about: one warning per bad event per process. */
	private readonly warned = new Set<number>();

	constructor(
		readonly file: string,
		options: OpenOptions = {},
	) {
		this.db = openDatabase(file, options);
		this.projector = createProjector(this.db);
		this.meta = createMeta(this.db);
		this.transaction = this.db.transaction((fn: () => unknown) => fn());
		const db = this.db;
		this.statements = {
			insertEvent: db.prepare(
				`INSERT INTO forum_events (event_id, event_type, event_version, occurred_at, thread_id, run_id, ticket, agent_name,
					actor_type, actor_name, correlation_id, causation_id, command_id, payload_json)
				 VALUES (@event_id, @event_type, @event_version, @occurred_at, @thread_id, @run_id, @ticket, @agent_name,
					@actor_type, @actor_name, @correlation_id, @causation_id, @command_id, @payload_json)`,
			),
			insertEventAt: db.prepare<EventRow>(
				`INSERT INTO forum_events (sequence, event_id, event_type, event_version, occurred_at, thread_id, run_id, ticket, agent_name,
					actor_type, actor_name, correlation_id, causation_id, command_id, payload_json)
				 VALUES (@sequence, @event_id, @event_type, @event_version, @occurred_at, @thread_id, @run_id, @ticket, @agent_name,
					@actor_type, @actor_name, @correlation_id, @causation_id, @command_id, @payload_json)`,
			),
			findCommand: db.prepare<
				[string],
				{command_id: string; command_type: string; thread_id: string; first_sequence: number; last_sequence: number; fingerprint: string | null; applied_at: string}
			>(`SELECT command_id, command_type, thread_id, first_sequence, last_sequence, fingerprint, applied_at FROM forum_commands WHERE command_id = ?`),
			recordCommand: db.prepare(
				`INSERT INTO forum_commands (command_id, command_type, thread_id, first_sequence, last_sequence, applied_at, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			),
			threadEventsAfter: db.prepare<[string, number], EventRow>(`SELECT * FROM forum_events WHERE thread_id = ? AND sequence > ? ORDER BY sequence`),
			hasEvent: db.prepare<[string], {one: number}>(`SELECT 1 AS one FROM forum_events WHERE event_id = ?`),
			eventsBetween: db.prepare<[number, number], EventRow>(`SELECT * FROM forum_events WHERE sequence BETWEEN ? AND ? ORDER BY sequence`),
			lastSequence: db.prepare<[], {sequence: number | null}>(`SELECT MAX(sequence) AS sequence FROM forum_events`),
			eventCount: db.prepare<[], {n: number}>(`SELECT COUNT(*) AS n FROM forum_events`),
			posts: db.prepare<
				[string],
				{sequence: number; event_id: string; author_type: string; author_name: string; body: string; created_at: string; answer_json: string | null}
			>(`SELECT sequence, event_id, author_type, author_name, body, created_at, answer_json FROM forum_posts WHERE thread_id = ? ORDER BY sequence`),
			assignments: db.prepare<[string], Record<string, string | number | null>>(
				`SELECT * FROM forum_assignments WHERE thread_id = ? ORDER BY sequence`,
			),
			transitions: db.prepare<[string], Record<string, string | number>>(
				`SELECT * FROM forum_state_transitions WHERE thread_id = ? ORDER BY sequence`,
			),
			markSeen: db.prepare(
				`INSERT INTO forum_seen (thread_id, viewer, sequence) VALUES (?, ?, ?)
				 ON CONFLICT (thread_id, viewer) DO UPDATE SET sequence = MAX(sequence, excluded.sequence)`,
			),
			seenCursors: db.prepare<[string], {thread_id: string; sequence: number}>(`SELECT thread_id, sequence FROM forum_seen WHERE viewer = ?`),
			getCheckpoint: db.prepare<[string], {sequence: number}>(`SELECT sequence FROM forum_checkpoints WHERE consumer = ?`),
			setCheckpoint: db.prepare(
				`INSERT INTO forum_checkpoints (consumer, sequence, updated_at) VALUES (?, ?, ?)
				 ON CONFLICT (consumer) DO UPDATE SET sequence = excluded.sequence, updated_at = excluded.updated_at`,
			),
		};
	}

	/** Run `fn` in one BEGIN IMMEDIATE transaction (see DEVELOPERS.md: deferred ones hit SQLITE_BUSY). */
	write<T>(fn: () => T): T {
		try {
			return this.transaction.immediate(fn) as T;
		} catch (error) {
			throw explainStorageError(error, this.file);
		}
	}

	/** Run a read, mapping storage errors to clear messages. */
	read<T>(fn: () => T): T {
		try {
			return fn();
		} catch (error) {
			throw explainStorageError(error, this.file);
		}
	}

	insertEvent(event: Omit<StoredEvent, 'sequence'>): StoredEvent {
		const row = eventToRow({...event, sequence: 0} as StoredEvent);
		const {sequence: _ignored, ...values} = row;
		const info = this.statements.insertEvent.run(values);
		return {...event, sequence: Number(info.lastInsertRowid)} as StoredEvent;
	}

	/**
	 * A replica's one append path: events another forum already sequenced (from its events
	 * stream), kept with their sequence and projected by the same projector, in one transaction.
	 */
	appendReplicated(events: readonly StoredEvent[], options: {projectedUpTo?: number} = {}): void {
		const upTo = options.projectedUpTo ?? 0;
		this.write(() => {
			for (const event of events) {
				this.statements.insertEventAt.run(eventToRow(event));
				// Events a loaded snapshot already includes are history for feeds, not projected twice.
				if (event.sequence > upTo) this.projector.apply(event, this.projector.load(event.thread_id));
			}
		});
	}

	/** The projections at the log's end, for a remote view to start from. */
	snapshot(): ProjectionSnapshot {
		return this.read(() => takeSnapshot(this.db));
	}

	/** A replica starting over: every projection replaced by the snapshot's rows, the log emptied. */
	loadSnapshot(snapshot: ProjectionSnapshot): void {
		this.write(() => loadSnapshotRows(this.db, snapshot));
	}

	/**
	 * Append events made elsewhere (an import) under their own event ids, in one BEGIN IMMEDIATE
	 * transaction with their projections and the importer's checkpoint. An event id already in
	 * the log is skipped, so appending the same events again adds nothing.
	 */
	appendImported(events: readonly ForumEvent[], checkpoint: {consumer: string; sequence: number; at: string}): StoredEvent[] {
		return this.write(() => {
			const appended: StoredEvent[] = [];
			for (const event of events) {
				if (this.statements.hasEvent.get(event.event_id)) continue;
				const stored = this.insertEvent(event);
				this.projector.apply(stored, this.projector.load(stored.thread_id));
				appended.push(stored);
			}
			this.setCheckpoint(checkpoint.consumer, checkpoint.sequence, checkpoint.at);
			return appended;
		});
	}

	/** Is an event with this id in the log? */
	hasEvent(eventId: string): boolean {
		return this.read(() => this.statements.hasEvent.get(eventId) !== undefined);
	}

	findCommand(commandId: string): CommandRecord | undefined {
		const row = this.statements.findCommand.get(commandId);
		if (!row) return undefined;
		return {
			commandId: row.command_id,
			commandType: row.command_type,
			threadId: row.thread_id,
			firstSequence: row.first_sequence,
			lastSequence: row.last_sequence,
			fingerprint: row.fingerprint,
			appliedAt: row.applied_at,
		};
	}

	recordCommand(record: CommandRecord, at: string): void {
		this.statements.recordCommand.run(record.commandId, record.commandType, record.threadId, record.firstSequence, record.lastSequence, at, record.fingerprint);
	}

	/** One thread's events after `sequence`, oldest first: what changed since a caller's version. */
	threadEventsAfter(threadId: string, sequence: number): StoredEvent[] {
		return this.readable(this.statements.threadEventsAfter.all(threadId, sequence));
	}

	eventsBetween(first: number, last: number): StoredEvent[] {
		return this.readable(this.statements.eventsBetween.all(first, last));
	}

	/** The event that opened a thread, by the sequence its projection keeps (not a scan of the log's opened events). */
	openedEvent(threadId: string): StoredEvent | undefined {
		const rows = this.read(() =>
			this.db.prepare<[string], EventRow>(`SELECT e.* FROM forum_threads t JOIN forum_events e ON e.sequence = t.opened_sequence WHERE t.thread_id = ?`).all(threadId),
		);
		return this.readable(rows)[0];
	}

	loadThread(threadId: string): Thread | undefined {
		return this.projector.load(threadId);
	}

	lastSequence(): number {
		return this.read(() => this.statements.lastSequence.get()?.sequence ?? 0);
	}

	eventCount(): number {
		return this.read(() => this.statements.eventCount.get()!.n);
	}

	/** Events with sequence > cursor, oldest first, at most `limit` rows read (bad ones are skipped). */
	eventsAfter(cursor: number, filter: EventFilter = {}, limit = 1000): StoredEvent[] {
		return this.eventPage(cursor, filter, limit).events;
	}

	/** Like eventsAfter, with the cursor to read on from: feeds move past bad rows, never re-reading them. */
	eventPage(cursor: number, filter: EventFilter = {}, limit = 1000): EventPage {
		const {where, params} = conditions([
			['sequence > ?', cursor],
			['thread_id = ?', filter.threadId],
			['ticket = ?', filter.ticket],
			['run_id = ?', filter.runId],
			['event_type', filter.types],
			['command_id = ?', filter.commandId],
		]);
		const rows = this.read(() => this.db.prepare<(string | number)[], EventRow>(`SELECT * FROM forum_events${where} ORDER BY sequence LIMIT ?`).all(...params, limit));
		return {events: this.readable(rows), cursor: rows.at(-1)?.sequence ?? cursor, more: rows.length >= limit};
	}

	/** The rows that are forum events; each bad one is reported once to the warning listeners. */
	private readable(rows: EventRow[]): StoredEvent[] {
		const events: StoredEvent[] = [];
		for (const row of rows) {
			const decoded = decodeEventRow(row);
			if (decoded.ok) events.push(decoded.event);
			else this.warnSkipped(decoded.bad);
		}
		return events;
	}

	/** Tell the warning listeners about a bad event, once per sequence. */
	warnSkipped(bad: BadEvent): void {
		if (this.warned.has(bad.sequence)) return;
		this.warned.add(bad.sequence);
		for (const listener of this.warningListeners) listener(bad);
	}

	/** Bad events skipped by any read (feeds, rebuild). Returns unsubscribe. */
	onWarning(listener: WarningListener): () => void {
		this.warningListeners.add(listener);
		return () => void this.warningListeners.delete(listener);
	}

	/**
	 * Threads matching `filter`. With `top`, only the first `top` in queue order without SLA
	 * (priority high to low, then least recently updated, then id), sorted and cut in SQL.
	 */
	threads(filter: ThreadFilter = {}, options: {ordered?: boolean; recent?: boolean; escalation?: {now: string; sla: SlaRule}; top?: number} = {}): Thread[] {
		if (filter.threadIds && filter.threadIds.length === 0) return [];
		const asked = filter.query?.query;
		let states = filter.states;
		if (asked?.states) {
			states = states ? states.filter((state) => asked.states!.includes(state)) : asked.states;
			if (states.length === 0) return [];
		}
		const listed = conditions([
			['v.state', states],
			['v.ticket = ?', filter.ticket],
			['v.run_id = ?', filter.runId],
			['v.thread_id', filter.threadIds],
		]);
		let {where} = listed;
		const params: (string | number)[] = listed.params;
		const and = (sql: string, values: string[]) => {
			where = `${where === '' ? ' WHERE' : `${where} AND`} ${sql}`;
			params.push(...values);
		};
		if (filter.escalationDue) {
			const due = escalatedSql(filter.escalationDue);
			and(`v.escalated_at IS NULL AND ${due.sql}`, due.params);
		}
		if (filter.escalated) {
			const escalated = escalatedSql(filter.escalated);
			and(escalated.sql, escalated.params);
		}
		if (filter.before) and('(v.updated_at, v.thread_id) < (?, ?)', [filter.before.updatedAt, filter.before.id]);
		if (filter.query) {
			const {clauses, params: values} = querySql(filter.query);
			if (clauses.length > 0) and(clauses.join(' AND '), values);
		}
		// Free words are matched here after SQL, so SQL cannot cut the list short before them.
		const afterSql = filter.query?.query.words.length ? filter.query : undefined;
		// The queue order (QUEUE_ORDER); `list` leaves out the escalation key. `recent`: newest first (index order).
		const order = options.recent
			? {sql: 'v.updated_at DESC, v.thread_id DESC', params: []}
			: options.ordered || options.escalation
				? queueOrderSql(options.escalation)
				: undefined;
		const limit = options.top === undefined ? undefined : Math.max(0, Math.floor(options.top));
		const top = limit === undefined || afterSql ? '' : ` LIMIT ${limit}`;
		const sql = `SELECT ${THREAD_COLUMNS} FROM forum_thread_views v JOIN forum_threads t USING (thread_id)${where}${order ? ` ORDER BY ${order.sql}` : ''}${top}`;
		// Rows as arrays: better-sqlite3 builds row objects about 3× slower than it reads the values.
		const threads = this.read(() => this.db.prepare<(string | number)[], unknown[]>(sql).raw(true).all(...params, ...(order?.params ?? [])).map(threadFromValues));
		if (!afterSql) return threads;
		const {query, me, now, sla} = afterSql;
		const matched = threads.filter((thread) => matchesQuery(thread, query, {me, escalated: (t) => isEscalated(t, now, sla)}));
		return limit === undefined ? matched : matched.slice(0, limit);
	}

	/**
	 * Decided threads of a ticket or an agent, newest first, at most `limit` of each (two
	 * indexed lookups: by ticket, by agent): the candidates an open question is compared with.
	 * Only the columns a comparison needs.
	 */
	decidedNear(thread: Pick<Thread, 'id' | 'ticket' | 'agentName'>, limit: number): DecidedThread[] {
		const select = (column: string) =>
			`SELECT v.thread_id, v.ticket, v.agent_name, v.title, t.body, v.state, t.question_json, v.answer_json
			 FROM forum_thread_views v JOIN forum_threads t USING (thread_id)
			 WHERE ${column} = ? AND v.answer_json IS NOT NULL AND v.state IN ('answered', 'closed') AND v.thread_id != ? ORDER BY v.updated_at DESC LIMIT ?`;
		const n = Math.max(0, Math.floor(limit));
		type Row = {thread_id: string; ticket: string; agent_name: string; title: string; body: string; state: ThreadState; question_json: string | null; answer_json: string};
		const decode = (row: Row): DecidedThread => ({
			id: row.thread_id,
			ticket: row.ticket,
			agentName: row.agent_name,
			title: row.title,
			body: row.body,
			state: row.state,
			question: row.question_json ? (JSON.parse(row.question_json) as Thread['question']) : {kind: 'text'},
			answer: JSON.parse(row.answer_json) as NonNullable<Thread['answer']>,
		});
		return this.read(() => {
			const byTicket = this.db.prepare<unknown[], Row>(select('v.ticket')).all(thread.ticket, thread.id, n);
			const byAgent = this.db.prepare<unknown[], Row>(select('v.agent_name')).all(thread.agentName, thread.id, n);
			const seen = new Set(byTicket.map((row) => row.thread_id));
			return [...byTicket, ...byAgent.filter((row) => !seen.has(row.thread_id))].map(decode);
		});
	}

	posts(threadId: string): Post[] {
		return this.read(() =>
			this.statements.posts.all(threadId).map((row) => ({
				sequence: row.sequence,
				eventId: row.event_id,
				authorType: row.author_type,
				authorName: row.author_name,
				body: row.body,
				createdAt: row.created_at,
				answer: row.answer_json ? (JSON.parse(row.answer_json) as AnswerMark) : null,
			})),
		);
	}

	assignments(threadId: string): Assignment[] {
		return this.read(() =>
			this.statements.assignments.all(threadId).map((row) => ({
				sequence: row.sequence as number,
				fromType: row.from_type as string | null,
				fromName: row.from_name as string | null,
				toType: row.to_type as string,
				toName: row.to_name as string,
				note: row.note as string,
				assignedByType: row.assigned_by_type as string,
				assignedByName: row.assigned_by_name as string,
				assignedAt: row.assigned_at as string,
			})),
		);
	}

	transitions(threadId: string): Transition[] {
		return this.read(() =>
			this.statements.transitions.all(threadId).map((row) => ({
				sequence: row.sequence as number,
				fromState: row.from_state as ThreadState,
				toState: row.to_state as ThreadState,
				actorType: row.actor_type as string,
				actorName: row.actor_name as string,
				changedAt: row.changed_at as string,
			})),
		);
	}

	/** Thread counts by state from forum_thread_stats. */
	stateCounts(filter: {ticket?: string; runId?: string} = {}): Map<ThreadState, number> {
		const {where, params} = conditions([
			['ticket = ?', filter.ticket],
			['run_id = ?', filter.runId],
		]);
		const sql = `SELECT state, SUM(thread_count) AS n FROM forum_thread_stats${where} GROUP BY state`;
		const rows = this.read(() => this.db.prepare<(string | number)[], {state: ThreadState; n: number}>(sql).all(...params));
		return new Map(rows.map((row) => [row.state, row.n]));
	}

	/** How many threads are escalated at `now` (escalatedSql over the state index: no thread is loaded). */
	escalationCount(filter: {ticket?: string; runId?: string}, escalation: {now: string; sla: SlaRule}): number {
		const listed = conditions([
			['v.ticket = ?', filter.ticket],
			['v.run_id = ?', filter.runId],
		]);
		const escalated = escalatedSql(escalation);
		const sql = `SELECT COUNT(*) AS n FROM forum_thread_views v${listed.where === '' ? ' WHERE' : `${listed.where} AND`} ${escalated.sql}`;
		return this.read(() => this.db.prepare<(string | number)[], {n: number}>(sql).get(...listed.params, ...escalated.params)!.n);
	}

	/** Record that `viewer` has seen `threadId` up to `sequence`; never moves backwards. */
	markSeen(threadId: string, viewer: string, sequence: number): void {
		this.write(() => this.statements.markSeen.run(threadId, viewer, sequence));
	}

	/**
	 * Last-seen sequence per thread for one viewer: of every thread, of `threadIds` only, or with
	 * `open` of the threads not closed (read from the open threads outward: the history costs nothing).
	 */
	seenCursors(viewer: string, options: {threadIds?: readonly string[]; open?: boolean} = {}): Map<string, number> {
		type Row = {thread_id: string; sequence: number};
		if (options.threadIds) {
			if (options.threadIds.length === 0) return new Map();
			const rows: Row[] = [];
			// In slices: SQLite caps the number of bound parameters.
			for (let start = 0; start < options.threadIds.length; start += 500) {
				const ids = options.threadIds.slice(start, start + 500);
				const sql = `SELECT thread_id, sequence FROM forum_seen WHERE viewer = ? AND thread_id IN (${ids.map(() => '?').join(', ')})`;
				rows.push(...this.read(() => this.db.prepare<string[], Row>(sql).all(viewer, ...ids)));
			}
			return new Map(rows.map((row) => [row.thread_id, row.sequence]));
		}
		if (options.open) {
			const open = THREAD_STATES.filter((state) => state !== 'closed');
			const sql = `SELECT s.thread_id, s.sequence FROM forum_thread_views v CROSS JOIN forum_seen s ON s.thread_id = v.thread_id AND s.viewer = ? WHERE v.state IN (${quoted(open)})`;
			return this.read(() => new Map(this.db.prepare<[string], Row>(sql).all(viewer).map((row) => [row.thread_id, row.sequence])));
		}
		return this.read(() => new Map(this.statements.seenCursors.all(viewer).map((row) => [row.thread_id, row.sequence])));
	}

	checkpoint(consumer: string): number {
		return this.read(() => this.statements.getCheckpoint.get(consumer)?.sequence ?? 0);
	}

	/** Set a consumer's cursor; call inside `write` when it must commit with other changes. */
	setCheckpoint(consumer: string, sequence: number, at: string): void {
		this.statements.setCheckpoint.run(consumer, sequence, at);
	}

	/** Copy the WAL back into the database without waiting on readers or writers. */
	checkpointWal(): void {
		try {
			this.db.pragma('wal_checkpoint(PASSIVE)');
		} catch {
			// Busy or closed: the next one, or the autocheckpoint backstop, does it.
		}
	}

	/** SQLite's data_version: changes when another connection commits. */
	dataVersion(): number {
		return this.db.pragma('data_version', {simple: true}) as number;
	}

	close(): void {
		if (this.db.open) this.db.close();
	}
}
