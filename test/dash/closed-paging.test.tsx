/** The Closed section holds pages of the history, newest first, and loads more as it scrolls. */
import {afterEach, describe, expect, it} from 'vitest';
import {CLOSED_PAGE} from '../../source/dash/snapshot.js';
import type {ForumClient} from '../../source/service/client.js';
import type {ListFilter} from '../../source/service/forum-service.js';
import {mountDash, openForum, type Dash, type Forum} from './harness.js';

let forum: Forum | undefined;
let dash: Dash | undefined;

afterEach(() => {
	dash?.unmount();
	forum?.cleanup();
	dash = undefined;
	forum = undefined;
});

/** `count` closed threads CL-1 (oldest) .. CL-count (newest), then two open ones. */
function seed(count: number): Forum {
	const opened = openForum();
	for (let i = 1; i <= count; i++) {
		const id = opened.ask(`CL-${i}`, `closed question ${i}`);
		const closed = opened.other.dispatch({type: 'close', threadId: id, actor: {type: 'operator', name: 'ops'}});
		if (!closed.ok) throw new Error(closed.rejection.message);
	}
	opened.ask('OPEN-1', 'still waiting one');
	opened.ask('OPEN-2', 'still waiting two');
	return opened;
}

/** The client, counting the closed threads each listing brings. */
function counting(client: ForumClient): {client: ForumClient; closedLoaded: () => number} {
	let closed = 0;
	return {
		client: {
			...client,
			listThreads: async (filter?: ListFilter) => {
				const threads = await client.listThreads(filter);
				closed += threads.filter((thread) => thread.state === 'closed').length;
				return threads;
			},
		},
		closedLoaded: () => closed,
	};
}

describe('the Closed section', () => {
	it('counts every closed thread from the stats projection while holding only its first page', async () => {
		forum = seed(CLOSED_PAGE + 30);
		const spy = counting(forum.client);
		dash = await mountDash({...forum, client: spy.client});
		await dash.waitFor((f) => f.includes(`closed ${CLOSED_PAGE + 30}`) && f.includes(`6 Closed ${CLOSED_PAGE + 30}`));
		await dash.waitFor(() => spy.closedLoaded() === CLOSED_PAGE);
		expect(spy.closedLoaded()).toBe(CLOSED_PAGE);
	});

	it('shows the most recently closed first', async () => {
		forum = seed(5);
		dash = await mountDash(forum);
		await dash.press('6');
		const frame = await dash.waitFor((f) => f.includes('CL-5'));
		const rows = frame.split('\n').filter((line) => /CL-\d/.test(line));
		expect(rows.map((line) => line.match(/CL-\d+/)![0]).slice(0, 5)).toEqual(['CL-5', 'CL-4', 'CL-3', 'CL-2', 'CL-1']);
	});

	it('loads the next page as the cursor nears the last loaded row, down to the oldest thread', async () => {
		forum = seed(CLOSED_PAGE + 30);
		const spy = counting(forum.client);
		dash = await mountDash({...forum, client: spy.client});
		await dash.press('6');
		await dash.waitFor(() => spy.closedLoaded() === CLOSED_PAGE);
		await dash.press('G');
		// The end of the first page is near: the second (last, short) page comes, and G reaches the oldest.
		await dash.waitFor(() => spy.closedLoaded() === CLOSED_PAGE + 30);
		await dash.press('G');
		const frame = await dash.waitFor((f) => /▶.*CL-1\b/.test(f));
		expect(frame).toContain(`6 Closed ${CLOSED_PAGE + 30}`);
	});

	it('counts a thread closed while the dashboard runs', async () => {
		forum = seed(3);
		dash = await mountDash(forum);
		await dash.waitFor((f) => f.includes('closed 3'));
		const id = forum.ask('LATE-1', 'asked and closed live');
		forum.other.dispatch({type: 'close', threadId: id, actor: {type: 'operator', name: 'ops'}});
		await dash.waitFor((f) => f.includes('closed 4') && f.includes('6 Closed 4'));
	});
});
