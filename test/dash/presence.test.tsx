/** "I'm on it" between two dashboards on one database (SQLite presence), and `m` claims a thread. */
import Database from 'better-sqlite3';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {PresenceChannel} from '../../source/service/presence.js';
import {sqlitePresence} from '../../source/store/presence-table.js';
import {withRawDb} from '../helpers/raw-db.js';
import {KEYS, mountDash, openForum, type Dash, type Forum} from './harness.js';

let forum: Forum;
const dashes: Dash[] = [];
const channels: PresenceChannel[] = [];

beforeEach(() => {
	forum = openForum();
});
afterEach(async () => {
	for (const dash of dashes.splice(0)) dash.unmount();
	for (const channel of channels.splice(0)) await channel.close();
	forum.cleanup();
});

function channel(operator: string, session: string): PresenceChannel {
	const made = sqlitePresence({file: forum.file, session, operator, pollMs: 50});
	channels.push(made);
	return made;
}

async function mount(operator: string, session: string): Promise<Dash> {
	const dash = await mountDash(forum, {operator: {type: 'operator', name: operator}, presence: channel(operator, session)});
	dashes.push(dash);
	return dash;
}

describe('presence between two dashboards', () => {
	it('opening the answer prompt in one shows "… is answering" on the row and in the preview of the other; Esc clears it', async () => {
		forum.ask('PR-1', 'Which region?');
		const alice = await mount('alice', 'p-alice');
		const bob = await mount('bob', 'p-bob');
		await alice.press('a');
		const seen = await bob.waitFor((f) => /PR-1 .*alice is answering · Which/.test(f), 2000);
		expect(seen).toContain('✎ alice is answering');
		// Alice does not see herself.
		expect(alice.frame()).not.toContain('alice is answering');
		await alice.press(KEYS.escape);
		await bob.waitFor((f) => !f.includes('alice is answering'), 2000);
	});

	it('two dashboards on the same thread each show the other', async () => {
		forum.ask('PR-2', 'Ship it?');
		const alice = await mount('alice', 'p-alice');
		const bob = await mount('bob', 'p-bob');
		await alice.press('a');
		await bob.press('r');
		await alice.waitFor((f) => f.includes('bob is posting'), 2000);
		await bob.waitFor((f) => f.includes('alice is answering'), 2000);
	});

	it('the editor (e) counts as answering until it returns', async () => {
		forum.ask('PR-7', 'Ship it?');
		let finish: (text: string) => void = () => undefined;
		const editor = () => new Promise<string>((resolve) => (finish = resolve));
		const alice = await mountDash(forum, {operator: {type: 'operator', name: 'alice'}, presence: channel('alice', 'p-alice'), editor});
		dashes.push(alice);
		const bob = await mount('bob', 'p-bob');
		await alice.press('e');
		await bob.waitFor((f) => f.includes('alice is answering'), 2000);
		finish('');
		await bob.waitFor((f) => !f.includes('alice is answering'), 2000);
	});

	it('sending the answer clears it', async () => {
		forum.ask('PR-3', 'Retry?');
		const alice = await mount('alice', 'p-alice');
		const bob = await mount('bob', 'p-bob');
		await alice.press('a');
		await bob.waitFor((f) => f.includes('alice is answering'), 2000);
		await alice.type('yes');
		await alice.press(KEYS.enter);
		await bob.waitFor((f) => !f.includes('alice is answering') && f.includes('Answered 1'), 2000);
	});

	it('closing the channel (quit, a signal) withdraws at once', async () => {
		forum.ask('PR-4', 'Retry?');
		const alice = await mount('alice', 'p-alice');
		const bob = await mount('bob', 'p-bob');
		await alice.press('a');
		await bob.waitFor((f) => f.includes('alice is answering'), 2000);
		await channels[0]!.close();
		await bob.waitFor((f) => !f.includes('alice is answering'), 2000);
	});

	it('an entry past its expiry is not shown (a dashboard killed without cleanup)', async () => {
		forum.ask('PR-5', 'Retry?');
		const id = forum.other.listThreads({})[0]!.id;
		withRawDb(forum.other.file, (db) =>
			db.prepare(`INSERT INTO forum_presence (session, thread_id, operator, activity, since, expires_at) VALUES ('p-dead', ?, 'carol', 'answering', ?, ?)`).run(id, new Date().toISOString(), Date.now() + 300),
		);
		const bob = await mount('bob', 'p-bob');
		await bob.waitFor((f) => f.includes('carol is answering'), 2000);
		await bob.waitFor((f) => !f.includes('carol is answering'), 3000);
	});

	it('a forged row (control characters, unknown activity) is never shown raw', async () => {
		forum.ask('PR-6', 'Retry?');
		const id = forum.other.listThreads({})[0]!.id;
		withRawDb(forum.other.file, (db) => {
			const insert = db.prepare(`INSERT INTO forum_presence (session, thread_id, operator, activity, since, expires_at) VALUES (?, ?, ?, ?, ?, ?)`);
			insert.run('p-evil1', id, 'mallory\u001b[2J', 'answering', 'x', Date.now() + 10_000);
			insert.run('p-evil2', id, 'eve', 'deleting', 'x', Date.now() + 10_000);
			insert.run('p-good', id, 'dave', 'answering', 'x', Date.now() + 10_000);
		});
		const bob = await mount('bob', 'p-bob');
		const frame = await bob.waitFor((f) => f.includes('dave is answering'), 2000);
		expect(frame).not.toContain('mallory');
		expect(frame).not.toContain('eve is');
	});
});

describe('presence on a locked database', () => {
	it('a write while another process holds the lock returns at once, and lands on a later tick', async () => {
		const id = forum.ask('LK-1', 'Which region?');
		const alice = channel('alice', 'p-alice');
		const bob = channel('bob', 'p-bob');
		let seen: string[] = [];
		bob.subscribe((entries) => (seen = entries.map((entry) => `${entry.operator}:${entry.threadId}`)));
		// Another process's lock: a connection of its own.
		const lock = new Database(forum.other.file);
		lock.exec('BEGIN IMMEDIATE');
		let held = true;
		try {
			const started = performance.now();
			alice.set({threadId: id, activity: 'answering'});
			// The busy timeout is 20 ms: never the 5 s a command waits.
			expect(performance.now() - started).toBeLessThan(200);
			await new Promise((resolve) => setTimeout(resolve, 150));
			expect(seen).toEqual([]);
			lock.exec('COMMIT');
			held = false;
			const deadline = Date.now() + 2000;
			while (seen.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
			expect(seen).toEqual([`alice:${id}`]);
		} finally {
			if (held) lock.exec('ROLLBACK');
			lock.close();
		}
	});
});

describe('m claims a thread', () => {
	it('assigns it to me with the note "claimed", on the version shown', async () => {
		const id = forum.ask('CL-1', 'Which region?');
		const alice = await mount('alice', 'p-alice');
		await alice.press('m');
		await alice.waitFor((f) => f.includes('claimed CL-1'));
		const detail = forum.other.getThread(id)!;
		expect(detail.thread.assignee).toEqual({type: 'operator', name: 'alice'});
		expect(detail.assignments.at(-1)).toMatchObject({note: 'claimed', assignedByName: 'alice'});
	});

	it('never takes a thread assigned to someone else: it names the holder and the reassign key, and writes nothing', async () => {
		const id = forum.ask('CL-3', 'Which region?');
		forum.other.dispatch({type: 'assign', threadId: id, assignee: {type: 'operator', name: 'bob'}, note: 'claimed', actor: {type: 'operator', name: 'bob'}});
		const before = forum.other.lastSequence();
		const alice = await mount('alice', 'p-alice');
		await alice.waitFor((f) => f.includes('CL-3'));
		await alice.press('m');
		await alice.waitFor((f) => f.includes('CL-3 is assigned to operator:bob; A reassigns it'));
		expect(forum.other.lastSequence()).toBe(before);
		expect(forum.other.getThread(id)!.thread.assignee?.name).toBe('bob');
	});

	it('is refused as stale when someone else assigned it since', async () => {
		const id = forum.ask('CL-2', 'Which region?');
		const alice = await mount('alice', 'p-alice');
		await alice.waitFor((f) => f.includes('CL-2'));
		// Bob assigns it after Alice's frame showed it; her dashboard sends the version it showed.
		forum.other.dispatch({type: 'assign', threadId: id, assignee: {type: 'operator', name: 'bob'}, note: '', actor: {type: 'operator', name: 'bob'}});
		await alice.press('m');
		await alice.waitFor((f) => /assigned it to operator:bob|already/.test(f) || f.includes('claimed CL-2'));
		expect(forum.other.getThread(id)!.thread.assignee?.name).toBe('bob');
	});
});
