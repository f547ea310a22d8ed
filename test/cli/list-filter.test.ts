/** `metawsm forum list --filter "..."`: the dashboard's filter syntax, through the built CLI. */
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli, tempDir} from '../helpers/cli.js';
import {seedFilterForum, FILTER_EXPECTED} from '../helpers/filter-seed.js';

let cleanup: () => void;
let db: string;
let ids: Record<string, string>;
const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db]);
const listed = async (...args: string[]) => {
	const result = await forum('list', '--json', ...args);
	expect(result).toMatchObject({code: 0, stderr: ''});
	return (JSON.parse(result.stdout).threads as {thread_id: string; title: string}[]).map((thread) => thread.title).sort();
};

beforeAll(() => {
	let dir: string;
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
	ids = seedFilterForum(db);
});
afterAll(() => cleanup());

describe('list --filter', () => {
	it('agent:etl priority:>=high lists exactly the etl threads of high or urgent priority', async () => {
		expect(await listed('--filter', 'agent:etl priority:>=high')).toEqual(FILTER_EXPECTED['agent:etl priority:>=high']);
	});

	it('ticket:OPS- matches tickets that start with it, in any ASCII case', async () => {
		expect(await listed('--filter', 'ticket:ops-')).toEqual(['Backfill orders?', 'Drop legacy_users?', 'Rotate the keys?', 'Retry the load?'].sort());
	});

	it('assignee:me is --viewer (default: METAWSM_ACTOR_NAME)', async () => {
		expect(await listed('--filter', 'assignee:me', '--viewer', 'ops')).toEqual(['Rotate the keys?']);
		expect(await listed('--filter', 'assignee:me')).toEqual([]);
		expect(await listed('--filter', 'assignee:none state:new')).toEqual(['Backfill orders?', 'Drop legacy_users?', 'Waited long', 'Which icon set?', '数据库迁移？ 🚀'].sort());
	});

	it('state:closed lists closed threads without --all; --state narrows a state: term', async () => {
		expect(await listed('--filter', 'state:closed')).toEqual(['Old question']);
		expect(await listed('--filter', 'state:new,answered', '--state', 'answered')).toEqual(['Retry the load?']);
	});

	it('free words and quoted phrases match the title, body, ticket or agent; CJK and emoji too', async () => {
		expect(await listed('--filter', 'agent:etl orders')).toEqual(['Backfill orders?']);
		expect(await listed('--filter', '"legacy_users"')).toEqual(['Drop legacy_users?']);
		expect(await listed('--filter', '数据库 🚀')).toEqual(['数据库迁移？ 🚀']);
	});

	it('escalated:yes lists the threads escalated now', async () => {
		expect(await listed('--filter', 'escalated:yes')).toEqual(FILTER_EXPECTED['escalated:yes']);
	});

	it('prints the table with the same rows', async () => {
		const result = await forum('list', '--filter', 'agent:etl priority:>=high');
		expect(result.code).toBe(0);
		const rows = result.stdout.trim().split('\n').slice(1);
		expect(rows.map((row) => row.split(/\s{2,}/).at(-1)).sort()).toEqual(FILTER_EXPECTED['agent:etl priority:>=high']);
		expect(rows.every((row) => row.startsWith(ids[row.split(/\s{2,}/).at(-1)!]!))).toBe(true);
	});

	it('an unknown field exits 2 naming it and the fields there are', async () => {
		const result = await forum('list', '--filter', 'owner:ops');
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(/^metawsm forum list: --filter: unknown field "owner"; fields: agent, ticket, assignee, state, priority, escalated/);
	});

	it('a bad priority exits 2 naming the value and the priorities; --json says so in JSON', async () => {
		const text = await forum('list', '--filter', 'priority:>=bogus');
		expect(text.code).toBe(2);
		expect(text.stderr).toContain('--filter: priority: ">=bogus" is not a priority; priorities: low, normal, high, urgent');
		const json = await forum('list', '--json', '--filter', 'priority:>=bogus');
		expect(json.code).toBe(2);
		expect(JSON.parse(json.stderr).error).toMatchObject({code: 'invalid_filter'});
	});

	it('a control character in a refused filter is shown escaped, never raw', async () => {
		const result = await forum('list', '--filter', 'state:\u001b[2Jx');
		expect(result.code).toBe(2);
		expect(result.stderr).not.toContain('\u001b');
		expect(result.stderr).toContain('state:');
	});

	it('a filter over the length limit exits 2 with its length', async () => {
		const result = await forum('list', '--filter', 'x '.repeat(600));
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/the filter is 1199 characters; at most 1000/);
	});
});
