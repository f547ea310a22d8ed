/** One seeded forum for the filter tests (CLI, dashboard, tmux): the same threads, the same expected sets. */
import type {Actor, Priority} from '../../source/forum/types.js';
import {ForumService} from '../../source/service/forum-service.js';

interface Seed {
	title: string;
	agent: string;
	ticket: string;
	priority: Priority;
	minutesAgo: number;
	then?: 'answer' | 'close' | 'assign-ops';
	body?: string;
}

const SEEDS: Seed[] = [
	{title: 'Drop legacy_users?', agent: 'etl', ticket: 'OPS-7', priority: 'urgent', minutesAgo: 9, body: 'No reads for 90 days.'},
	{title: 'Backfill orders?', agent: 'etl-nightly', ticket: 'OPS-12', priority: 'high', minutesAgo: 8, body: 'Two days missing.'},
	{title: 'Rotate the keys?', agent: 'etl', ticket: 'ops-3', priority: 'normal', minutesAgo: 7, then: 'assign-ops', body: 'They expire Friday.'},
	{title: 'Retry the load?', agent: 'etl', ticket: 'OPS-9', priority: 'high', minutesAgo: 6, then: 'answer', body: 'It timed out once.'},
	{title: 'Which icon set?', agent: 'frontend', ticket: 'WEB-2', priority: 'urgent', minutesAgo: 5, body: 'Material or Feather.'},
	{title: '数据库迁移？ 🚀', agent: 'builder', ticket: 'API-31', priority: 'low', minutesAgo: 4, body: '迁移数据库吗'},
	{title: 'Old question', agent: 'etl', ticket: 'OPS-1', priority: 'high', minutesAgo: 3, then: 'close', body: 'Long done.'},
	{title: 'Waited long', agent: 'tester', ticket: 'QA-1', priority: 'normal', minutesAgo: 45, body: 'Flaky test.'},
];

/** Titles (sorted) each filter must show among open threads, worked out by hand from SEEDS. */
export const FILTER_EXPECTED = {
	'agent:etl priority:>=high': ['Backfill orders?', 'Drop legacy_users?', 'Retry the load?'],
	'escalated:yes': ['Backfill orders?', 'Drop legacy_users?', 'Waited long', 'Which icon set?'],
} as const;

/** Seed the database file with SEEDS (times relative to the real clock); returns id by title. */
export function seedFilterForum(db: string): Record<string, string> {
	let offset = 0;
	const service = new ForumService({db, clock: () => new Date(Date.now() - offset)});
	const ops: Actor = {type: 'operator', name: 'ops'};
	const ids: Record<string, string> = {};
	try {
		for (const seed of SEEDS) {
			offset = seed.minutesAgo * 60_000;
			const asked = service.dispatch({type: 'ask', ticket: seed.ticket, agentName: seed.agent, title: seed.title, body: seed.body ?? 'b', priority: seed.priority, actor: {type: 'agent', name: seed.agent}});
			if (!asked.ok) throw new Error(asked.rejection.message);
			ids[seed.title] = asked.threadId;
			offset -= 30_000;
			if (seed.then === 'answer') service.dispatch({type: 'answer', threadId: asked.threadId, body: 'Yes.', actor: ops});
			if (seed.then === 'close') service.dispatch({type: 'close', threadId: asked.threadId, actor: ops});
			if (seed.then === 'assign-ops') service.dispatch({type: 'assign', threadId: asked.threadId, assignee: ops, note: '', actor: ops});
		}
	} finally {
		service.close();
	}
	return ids;
}
