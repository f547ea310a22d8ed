import path from 'node:path';
import Database from 'better-sqlite3';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli, tempDir} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let db: string;
const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db]);
const eventCount = async () => (await forum('watch', '--json', '--limit', '100000')).stdout.trim().split('\n').filter(Boolean).length;

beforeAll(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
});
afterAll(() => cleanup());

describe('forum rules refuse with exit 3 and write nothing', () => {
	it('an illegal transition names the rule', async () => {
		const id = (await forum('ask', '--ticket', 'T', '--title', 'Q', '--body', 'B')).stdout.trim();
		await forum('answer', '--thread-id', id, '--body', 'A');
		const before = await eventCount();
		const result = await forum('state', '--thread-id', id, '--state', 'triaged');
		expect(result.code).toBe(3);
		expect(result.stderr).toBe(`metawsm forum state: thread ${id} cannot go from answered to triaged (allowed: waiting_operator, waiting_human, closed)\n`);
		expect(result.stdout).toBe('');
		expect(await eventCount()).toBe(before);
	});

	it('every write on a closed thread is refused', async () => {
		const id = (await forum('ask', '--ticket', 'T', '--title', 'Q', '--body', 'B')).stdout.trim();
		await forum('close', '--thread-id', id);
		const before = await eventCount();
		const attempts = [
			['post', '--body', 'x'],
			['answer', '--body', 'x'],
			['assign', '--assignee', 'bob'],
			['state', '--state', 'triaged'],
			['priority', '--priority', 'urgent'],
			['close'],
		];
		for (const [command, ...rest] of attempts) {
			const result = await forum(command!, '--thread-id', id, ...rest);
			expect(result.code, command).toBe(3);
			expect(result.stderr, command).toMatch(new RegExp(`thread ${id} is closed; a closed thread takes no`));
		}
		expect(await eventCount()).toBe(before);
	});

	it('an unknown thread exits 3 and points at list', async () => {
		const result = await forum('answer', '--thread-id', 't-nope', '--body', 'x');
		expect(result).toMatchObject({code: 3, stderr: 'metawsm forum answer: no thread with id t-nope; see `metawsm forum list`\n'});
		expect((await forum('thread', '--thread-id', 't-nope')).code).toBe(3);
	});

	it('with --json the refusal is {"error":{"code","message"}} on stderr', async () => {
		const result = await forum('close', '--thread-id', 't-nope', '--json');
		expect(result.code).toBe(3);
		expect(JSON.parse(result.stderr)).toEqual({error: {code: 'unknown_thread', message: 'no thread with id t-nope; see `metawsm forum list`'}});
	});
});

/** The whole event table as text: equal before and after means nothing was written. */
function eventTable(): string {
	const raw = new Database(db, {readonly: true});
	try {
		return JSON.stringify(raw.prepare('SELECT * FROM forum_events ORDER BY sequence').all());
	} finally {
		raw.close();
	}
}

describe('bad usage and input exit 2 and write nothing', () => {
	const cases: [string, string[], RegExp][] = [
		['an unknown flag', ['ask', '--ticket', 'T', '--title', 'Q', '--body', 'B', '--bogus'], /unknown flag --bogus; see `metawsm forum ask --help`/],
		['a missing --ticket', ['ask', '--title', 'Q', '--body', 'B'], /--ticket is required/],
		['a missing body', ['ask', '--ticket', 'T', '--title', 'Q'], /--body or --body-file is required/],
		['an unknown priority', ['ask', '--ticket', 'T', '--title', 'Q', '--body', 'B', '--priority', 'critical'], /unknown priority "critical"; use one of low, normal, high, urgent/],
		['an unknown state', ['state', '--thread-id', 't-x', '--state', 'done'], /unknown state "done"; use one of new, triaged/],
		['an empty answer', ['answer', '--thread-id', 't-x', '--body', '   '], /answer body is empty/],
		['an oversize body', ['post', '--thread-id', 't-x', '--body', 'x'.repeat(70_000)], /is 70000 bytes; the limit is 65536 bytes/],
		['a NUL-free but multi-line title', ['ask', '--ticket', 'T', '--title', 'a\nb', '--body', 'B'], /title contains a control character/],
		['an unknown subcommand', ['frobnicate'], /unknown command "forum frobnicate"/],
		['a stray argument', ['list', 'extra'], /unexpected argument "extra"/],
		['--timeout without --wait', ['ask', '--ticket', 'T', '--title', 'Q', '--body', 'B', '--timeout', '5'], /--timeout only applies with --wait/],
		['a bad --limit', ['list', '--limit', 'ten'], /--limit must be a whole number/],
		['a bad actor type', ['close', '--thread-id', 't-x', '--actor-type', 'robot'], /unknown --actor-type "robot"/],
	];
	for (const [name, args, message] of cases) {
		it(`refuses ${name}`, async () => {
			const before = eventTable();
			const result = await forum(...args);
			expect(eventTable()).toBe(before);
			expect(result.code).toBe(2);
			expect(result.stderr).toMatch(message);
			expect(result.stderr.trim().split('\n')).toHaveLength(1);
			expect(result.stdout).toBe('');
		});
	}
});
