/** `metawsm forum list --unseen --viewer NAME` and `thread --viewer NAME`, as real processes. */
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {runCli, tempDir} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let db: string;
const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db], {cwd: dir});

async function ask(title: string, priority = 'normal'): Promise<string> {
	const result = await forum('ask', '--ticket', 'OPS-7', '--agent', 'builder', '--title', title, '--body', 'details', '--priority', priority);
	expect(result.code).toBe(0);
	return result.stdout.trim();
}

async function unseenIds(viewer: string, ...extra: string[]): Promise<string[]> {
	const result = await forum('list', '--unseen', '--viewer', viewer, '--json', ...extra);
	expect(result.code).toBe(0);
	return JSON.parse(result.stdout).threads.map((thread: {thread_id: string}) => thread.thread_id);
}

let first: string;
let second: string;

beforeEach(async () => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
	first = await ask('First question', 'high');
	second = await ask('Second question');
});
afterEach(() => cleanup());

describe('list --unseen --viewer', () => {
	it('lists every thread a viewer has never seen', async () => {
		expect(await unseenIds('ops')).toEqual([first, second]);
	});

	it('drops a thread once the viewer has read it with thread --viewer', async () => {
		expect((await forum('thread', '--thread-id', first, '--viewer', 'ops')).code).toBe(0);
		expect(await unseenIds('ops')).toEqual([second]);
	});

	it('lists the thread again when something happens on it after it was seen', async () => {
		await forum('thread', '--thread-id', first, '--viewer', 'ops');
		await forum('post', '--thread-id', first, '--body', 'one more detail', '--actor-type', 'agent', '--actor-name', 'builder');
		expect(await unseenIds('ops')).toEqual([first, second]);
	});

	it('keeps each viewer apart', async () => {
		await forum('thread', '--thread-id', first, '--viewer', 'ops');
		expect(await unseenIds('ops')).toEqual([second]);
		expect(await unseenIds('alice')).toEqual([first, second]);
	});

	it('does not mark anything seen itself', async () => {
		await forum('list', '--unseen', '--viewer', 'ops');
		await forum('list', '--viewer', 'ops');
		expect(await unseenIds('ops')).toEqual([first, second]);
	});

	it('marks unseen rows with * in the table and says when nothing is unseen', async () => {
		const table = (await forum('list', '--viewer', 'ops')).stdout.split('\n');
		expect(table[0]).toMatch(/^ ID\s+PRIORITY/);
		expect(table.find((line) => line.includes(first))).toMatch(new RegExp(`^\\*${first} `));
		await forum('thread', '--thread-id', first, '--viewer', 'ops');
		expect((await forum('list', '--viewer', 'ops')).stdout.split('\n').find((line) => line.includes(first))).toMatch(new RegExp(`^ ${first} `));
		await forum('thread', '--thread-id', second, '--viewer', 'ops');
		expect(await forum('list', '--unseen', '--viewer', 'ops')).toMatchObject({code: 0, stdout: 'no unseen threads for ops\n'});
	});

	it('adds unseen, unanswered and the seen sequence to --json', async () => {
		await forum('thread', '--thread-id', first, '--viewer', 'ops');
		await forum('answer', '--thread-id', second, '--body', 'yes');
		const listed = JSON.parse((await forum('list', '--viewer', 'ops', '--json')).stdout);
		expect(listed.viewer).toBe('ops');
		const byId = Object.fromEntries(listed.threads.map((thread: {thread_id: string}) => [thread.thread_id, thread]));
		expect(byId[first]).toMatchObject({unseen: false, unanswered: true, seen_sequence: 1});
		expect(byId[second]).toMatchObject({unseen: true, unanswered: false, seen_sequence: 0});
	});

	it('applies --limit to the unseen threads', async () => {
		await forum('thread', '--thread-id', first, '--viewer', 'ops');
		expect(await unseenIds('ops', '--limit', '1')).toEqual([second]);
	});

	it('takes the viewer from METAWSM_ACTOR_NAME when --viewer is left out', async () => {
		await forum('thread', '--thread-id', first, '--viewer', 'tester');
		const result = await forum('list', '--unseen', '--json');
		expect(JSON.parse(result.stdout).threads.map((thread: {thread_id: string}) => thread.thread_id)).toEqual([second]);
	});

	it('refuses an empty or multi-line viewer name with exit 2', async () => {
		expect(await forum('list', '--unseen', '--viewer', ' ')).toMatchObject({code: 2, stdout: '', stderr: 'metawsm forum list: --viewer is empty; give a value\n'});
		expect(await forum('thread', '--thread-id', first, '--viewer', 'a\nb')).toMatchObject({code: 2, stdout: ''});
	});
});
