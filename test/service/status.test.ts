/** status counts escalations in SQL (cutoffs per priority) and returns a bounded page of them. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {isEscalated} from '../../source/forum/rules.js';
import type {Priority} from '../../source/forum/types.js';
import {ForumService, STATUS_ESCALATED_LIMIT} from '../../source/service/forum-service.js';

let dir: string | undefined;
const services: ForumService[] = [];
afterEach(() => {
	for (const service of services.splice(0)) service.close();
	if (dir) fs.rmSync(dir, {recursive: true, force: true});
	dir = undefined;
});

/** A forum whose clock is `at()`: threads asked at different times have waited different spans. */
function forumAt(at: () => Date): ForumService {
	dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'metawsm-status-'));
	const service = new ForumService({db: path.join(dir, 'forum.db'), clock: at});
	services.push(service);
	return service;
}

function ask(service: ForumService, priority: Priority, title: string): string {
	const result = service.dispatch({type: 'ask', ticket: 'ST-1', agentName: 'builder', title, body: 'body', priority, actor: {type: 'agent', name: 'builder'}});
	if (!result.ok) throw new Error(result.rejection.message);
	return result.threadId;
}

test('counts every escalated thread and returns the first STATUS_ESCALATED_LIMIT in queue order', () => {
	let now = Date.parse('2026-01-01T00:00:00Z');
	const service = forumAt(() => new Date(now));
	for (let i = 0; i < STATUS_ESCALATED_LIMIT + 5; i++) {
		ask(service, 'urgent', `urgent ${i}`);
		now += 1000;
	}
	now += 60_000;
	ask(service, 'normal', 'young normal');
	const report = service.status();
	expect(report.escalations).toBe(STATUS_ESCALATED_LIMIT + 5);
	expect(report.escalated).toHaveLength(STATUS_ESCALATED_LIMIT);
	expect(report.escalated[0]!.title).toBe('urgent 0');
});

test('escalates by each priority its own SLA, as isEscalated does, and never a closed or triaged thread', () => {
	let now = Date.parse('2026-01-01T00:00:00Z');
	const service = forumAt(() => new Date(now));
	const old = ask(service, 'normal', 'old normal');
	const triaged = ask(service, 'low', 'old low, triaged');
	service.dispatch({type: 'change_state', threadId: triaged, state: 'triaged', actor: {type: 'operator', name: 'ops'}});
	const closed = ask(service, 'urgent', 'closed urgent');
	service.dispatch({type: 'close', threadId: closed, actor: {type: 'operator', name: 'ops'}});
	now += 31 * 60_000;
	ask(service, 'low', 'young low');
	const report = service.status();
	expect(report.escalated.map((thread) => thread.id)).toEqual([old]);
	const all = service.listThreads({});
	expect(report.escalations).toBe(all.filter((thread) => isEscalated(thread, service.now(), service.sla)).length);
});
