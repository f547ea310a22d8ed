import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli, tempDir} from '../helpers/cli.js';

let cleanup: () => void;
let db: string;
const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db]);

beforeAll(async () => {
	let dir: string;
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
	for (const priority of ['low', 'urgent', 'normal']) await forum('ask', '--ticket', 'LIM', '--title', `a ${priority} question`, '--body', 'b', '--priority', priority);
});
afterAll(() => cleanup());

describe('list --limit', () => {
	it('shows the first N in queue order and says on stderr that more match', async () => {
		const result = await forum('list', '--limit', '2');
		expect(result.code).toBe(0);
		const rows = result.stdout.trim().split('\n').slice(1);
		expect(rows).toHaveLength(2);
		expect(rows[0]).toContain('a urgent question');
		expect(result.stderr).toBe('note: more threads match; showing the first 2 (--limit N for more, --limit 0 for all)\n');
	});

	it('marks a cut JSON list as truncated', async () => {
		const cut = JSON.parse((await forum('list', '--json', '--limit', '2')).stdout);
		expect(cut.truncated).toBe(true);
		expect(cut.threads).toHaveLength(2);
		const whole = JSON.parse((await forum('list', '--json')).stdout);
		expect(whole.truncated).toBe(false);
		expect(whole.threads).toHaveLength(3);
	});

	it('lists everything with --limit 0 and says nothing more', async () => {
		const result = await forum('list', '--limit', '0');
		expect(result.stdout.trim().split('\n')).toHaveLength(4);
		expect(result.stderr).toBe('');
	});
});
