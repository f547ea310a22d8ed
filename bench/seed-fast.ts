/**
 * Large forums fast, for benchmarks: real events (cloned from what dispatch writes for one
 * thread) inserted in bulk, then the project's own rebuild projects them. 100k closed threads
 * take seconds instead of minutes of dispatch.
 */
import {randomUUID} from 'node:crypto';
import fs from 'node:fs';
import {localClient} from '../source/service/client.js';
import {escalateDue} from '../source/service/escalation.js';
import {ForumService} from '../source/service/forum-service.js';
import {rebuildProjections} from '../source/store/rebuild.js';
import {ForumStore} from '../source/store/store.js';
import type {Priority, StoredEvent} from '../source/forum/types.js';
import {eventToRow} from '../source/store/rows.js';

const agent = {type: 'agent', name: 'builder'} as const;
const ops = {type: 'operator', name: 'ops'} as const;
const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];

export interface FastSeed {
	/** Threads left open (new or waiting_human), asked over the last `openSpanMinutes`. */
	open: number;
	/** Threads asked and closed, days ago. */
	closed: number;
	openSpanMinutes?: number;
	/** Posts per open thread besides the question. */
	posts?: number;
}

/** The events dispatch writes for one open thread and for one closed one (the templates). */
function templates(dir: string): {open: StoredEvent[]; closed: StoredEvent[]; post: StoredEvent} {
	const file = `${dir}/template-${process.pid}.db`;
	const service = new ForumService({db: file});
	try {
		const asked = (title: string) => {
			const result = service.dispatch({type: 'ask', ticket: 'T', agentName: 'builder', title, body: `Context for ${title}. `.repeat(8), priority: 'normal', actor: agent});
			if (!result.ok) throw new Error(result.rejection.message);
			return result;
		};
		const open = asked('open one');
		const post = service.dispatch({type: 'post', threadId: open.threadId, body: 'A follow-up with more detail.', actor: agent});
		const closed = asked('closed one');
		const close = service.dispatch({type: 'close', threadId: closed.threadId, actor: ops});
		if (!post.ok || !close.ok) throw new Error('template dispatch refused');
		return {open: open.events, closed: [...closed.events, ...close.events], post: post.events[0]!};
	} finally {
		service.close();
		for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, {force: true});
	}
}

/** Seed `file` (new) with the threads; returns the open threads' ids. Projections by `rebuild`. */
export async function seedFast(file: string, dir: string, seed: FastSeed): Promise<string[]> {
	const t = templates(dir);
	// Events straight into the log (a bench seed, not the forum's way to write), then the project's own rebuild.
	const store = new ForumStore(file);
	const openIds: string[] = [];
	try {
		const insert = store.db.prepare(
			`INSERT INTO forum_events (sequence, event_id, event_type, event_version, occurred_at, thread_id, run_id, ticket, agent_name,
				actor_type, actor_name, correlation_id, causation_id, command_id, payload_json)
			 VALUES (@sequence, @event_id, @event_type, @event_version, @occurred_at, @thread_id, @run_id, @ticket, @agent_name,
				@actor_type, @actor_name, @correlation_id, @causation_id, @command_id, @payload_json)`,
		);
		let sequence = 0;
		const now = Date.now();
		const clone = (events: StoredEvent[], i: number, threadId: string, at: number, priority: Priority, title: string) => {
			const command = `c-seed-${threadId}`;
			for (const event of events) {
				const payload = event.event_type === 'forum.thread.opened' ? {...event.payload, title, priority} : event.event_type === 'forum.integration.docs_sync.requested' ? {...event.payload, thread_id: threadId, title, priority} : event.payload;
				insert.run(
					eventToRow({
						...event,
						payload,
						sequence: ++sequence,
						event_id: randomUUID(),
						thread_id: threadId,
						ticket: `T-${i % 500}`,
						agent_name: `agent-${i % 37}`,
						occurred_at: new Date(at).toISOString(),
						correlation_id: command,
						causation_id: command,
						command_id: command,
					} as StoredEvent),
				);
			}
		};
		const bulk = store.db.transaction((from: number, to: number, kind: 'open' | 'closed') => {
			for (let i = from; i < to; i++) {
				const priority = PRIORITIES[i % 4]!;
				if (kind === 'closed') {
					// Days ago, oldest first: the log's order is the order they happened in.
					clone(t.closed, i, `t-c${i}`, now - 10 * 86_400_000 + i * 1000, priority, `Closed question ${i}: which option for step ${i % 13}?`);
				} else {
					const at = now - (seed.openSpanMinutes ?? 120) * 60_000 + Math.floor((i / Math.max(1, seed.open)) * (seed.openSpanMinutes ?? 120) * 60_000);
					const id = `t-o${i}`;
					clone(t.open, i, id, at, priority, `Question ${i}: which option should I take for step ${i % 13}?`);
					for (let p = 0; p < (seed.posts ?? 0); p++) clone([t.post], i, id, at + p + 1, priority, '');
					openIds.push(id);
				}
			}
		});
		for (let from = 0; from < seed.closed; from += 5000) bulk(from, Math.min(seed.closed, from + 5000), 'closed');
		for (let from = 0; from < seed.open; from += 5000) bulk(from, Math.min(seed.open, from + 5000), 'open');
		rebuildProjections(store, {batchMs: 1000, gapMs: 0});
		// What an SLA pass would have recorded by now: a dashboard opened on it starts quiet, not in an escalation burst.
		const service = new ForumService({db: file});
		try {
			await escalateDue(localClient(service));
		} finally {
			service.close();
		}
		store.db.pragma('wal_checkpoint(TRUNCATE)');
		return openIds;
	} finally {
		store.close();
	}
}
