/** `metawsm forum snooze` through the built CLI: what it accepts, what it refuses, what agents see. */
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {runCli, tempDir} from '../helpers/cli.js';

let cleanup: () => void;
let db: string;
const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db]);

beforeEach(() => {
	let dir: string;
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
});
afterEach(() => cleanup());

async function ask(): Promise<string> {
	const result = await forum('ask', '--ticket', 'OPS-9', '--agent', 'builder', '--title', 'Drop table B?', '--body', 'B has no reads.');
	expect(result.code).toBe(0);
	return result.stdout.trim();
}

const eventCount = () => {
	const handle = new Database(db, {readonly: true});
	try {
		return (handle.prepare('SELECT COUNT(*) AS n FROM forum_events').get() as {n: number}).n;
	} finally {
		handle.close();
	}
};

describe('snooze', () => {
	it('refuses a bad duration with exit 2 naming the accepted forms, and writes nothing', async () => {
		const id = await ask();
		const result = await forum('snooze', '--thread-id', id, '--for', 'soonish');
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('--for');
		expect(result.stderr).toContain('30m, 2h, 1d');
		expect(result.stderr).toContain('14:30');
		expect(eventCount()).toBe(1);
	});

	it('refuses none or several of --for, --until, --clear with exit 2', async () => {
		const id = await ask();
		expect((await forum('snooze', '--thread-id', id)).code).toBe(2);
		const both = await forum('snooze', '--thread-id', id, '--for', '1h', '--until', '14:30');
		expect(both.code).toBe(2);
		expect(both.stderr).toContain('exactly one of');
	});

	it('refuses a closed thread with exit 3', async () => {
		const id = await ask();
		expect((await forum('close', '--thread-id', id)).code).toBe(0);
		const result = await forum('snooze', '--thread-id', id, '--for', '30m');
		expect(result.code).toBe(3);
		expect(result.stderr).toContain('closed');
	});

	it('refuses an answered thread with exit 3 (not_snoozable)', async () => {
		const id = await ask();
		expect((await forum('answer', '--thread-id', id, '--body', 'yes')).code).toBe(0);
		const result = await forum('snooze', '--thread-id', id, '--for', '30m', '--json');
		expect(result.code).toBe(3);
		expect(JSON.parse(result.stderr).error.code).toBe('not_snoozable');
	});

	it('wait --json reports snoozed_until and the seconds left; --clear ends it', async () => {
		const id = await ask();
		const snoozed = await forum('snooze', '--thread-id', id, '--for', '30m', '--note', 'after the deploy');
		expect(snoozed.code).toBe(0);
		const waited = await forum('wait', '--thread-id', id, '--timeout', '1', '--json');
		expect(waited.code).toBe(124);
		const report = JSON.parse(waited.stdout);
		expect(Date.parse(report.snoozed_until) - Date.now()).toBeGreaterThan(29 * 60_000);
		expect(report.snooze_remaining_seconds).toBeGreaterThan(29 * 60);
		expect(report.snooze_remaining_seconds).toBeLessThanOrEqual(30 * 60);
		expect(report.thread.snoozed_until).toBe(report.snoozed_until);
		expect((await forum('snooze', '--thread-id', id, '--clear')).code).toBe(0);
		const shown = JSON.parse((await forum('thread', '--thread-id', id, '--json')).stdout);
		expect(shown).toMatchObject({snoozed_until: null, snooze_remaining_seconds: 0});
	});

	it('an agent post ends the snooze, and rebuild --verify finds the projection as a replay makes it', async () => {
		const id = await ask();
		await forum('snooze', '--thread-id', id, '--until', new Date(Date.now() + 3_600_000).toISOString());
		expect(JSON.parse((await forum('thread', '--thread-id', id, '--json')).stdout).snoozed_until).not.toBeNull();
		await forum('post', '--thread-id', id, '--body', 'any news?', '--actor-type', 'agent', '--actor-name', 'builder');
		expect(JSON.parse((await forum('thread', '--thread-id', id, '--json')).stdout).snoozed_until).toBeNull();
		await forum('snooze', '--thread-id', id, '--for', '2h');
		const verify = await forum('rebuild', '--verify');
		expect(verify.code).toBe(0);
		expect(verify.stdout).toContain('match');
	});
});
