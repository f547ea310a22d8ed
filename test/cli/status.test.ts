/** `metawsm forum status`, run as a real process against a fresh database. */
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ForumService} from '../../source/service/forum-service.js';
import {runCli, tempDir} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let db: string;
const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db], {cwd: dir});

async function ask(title: string, priority = 'normal', ticket = 'OPS-7'): Promise<string> {
	const result = await forum('ask', '--ticket', ticket, '--agent', 'builder', '--title', title, '--body', 'details', '--priority', priority);
	expect(result.code).toBe(0);
	return result.stdout.trim();
}

/** The numbers of the `- total=` line, by name. */
function counts(text: string): Record<string, number> {
	const line = text.split('\n').find((candidate) => candidate.startsWith('  - total='))!;
	return Object.fromEntries(line.trim().slice(2).split(' ').map((pair) => [pair.split('=')[0]!, Number(pair.split('=')[1])]));
}

beforeEach(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
	// status is a read command: it never creates the database, so make an empty one.
	new ForumService({db}).close();
});
afterEach(() => cleanup());

describe('metawsm forum status', () => {
	it('prints an all-zero Forum block and no Guidance for an empty forum', async () => {
		const result = await forum('status');
		expect(result).toEqual({
			code: 0,
			stdout: `Forum:\n  - total=0 new=0 triaged=0 waiting_operator=0 waiting_human=0 answered=0 closed=0 escalations=0\n  - db=${db}\n`,
			stderr: '',
		});
	});

	it('prints the Forum block, the thread line and Guidance for a high-priority new thread', async () => {
		const id = await ask('May I drop legacy_users?', 'high');
		const result = await forum('status');
		expect(result.code).toBe(0);
		const lines = result.stdout.split('\n');
		expect(lines[0]).toBe('Forum:');
		expect(lines[1]).toBe('  - total=1 new=1 triaged=0 waiting_operator=0 waiting_human=0 answered=0 closed=0 escalations=1');
		expect(lines[2]).toBe(`  - db=${db}`);
		expect(lines[3]).toMatch(new RegExp(`^  - thread=${id} state=new priority=high ticket=OPS-7 assignee=-/- posts=0 updated_at=\\S+ waited=\\d+s title=May I drop legacy_users\\?$`));
		expect(lines.slice(4, 7)).toEqual([
			'Guidance:',
			`  - forum thread=${id} state=new priority=high title=May I drop legacy_users?`,
			`    metawsm forum answer --thread-id ${id} --body "..."`,
		]);
	});

	it('carries the same numbers in --json as in the text', async () => {
		const high = await ask('Urgent one', 'urgent');
		const normal = await ask('Calm one', 'normal');
		await forum('answer', '--thread-id', normal, '--body', 'done');
		const text = await forum('status');
		const json = await forum('status', '--json');
		expect(json.code).toBe(0);
		const parsed = JSON.parse(json.stdout);
		expect(parsed.forum).toEqual(counts(text.stdout));
		expect(parsed.forum).toMatchObject({total: 2, new: 1, answered: 1, escalations: 1});
		expect(parsed.escalated.map((thread: {thread_id: string}) => thread.thread_id)).toEqual([high]);
		expect(parsed.guidance).toEqual([
			{thread_id: high, state: 'new', priority: 'urgent', title: 'Urgent one', command: `metawsm forum answer --thread-id ${high} --body "..."`},
		]);
	});

	it('exits 1 with --fail-on-escalation when a thread is escalated, and 0 when none is', async () => {
		expect((await forum('status', '--fail-on-escalation')).code).toBe(0);
		const id = await ask('Blocked', 'high');
		const failing = await forum('status', '--fail-on-escalation');
		expect(failing.code).toBe(1);
		expect(failing.stdout).toContain(`- forum thread=${id}`);
		expect((await forum('status', '--fail-on-escalation', '--json')).code).toBe(1);
		await forum('answer', '--thread-id', id, '--body', 'go ahead');
		expect((await forum('status', '--fail-on-escalation')).code).toBe(0);
	});

	it('escalates a normal thread once it has waited the SLA minutes', async () => {
		// Ask 31 minutes ago through the library with a clock in the past.
		const past = new ForumService({db, clock: () => new Date(Date.now() - 31 * 60_000)});
		const result = past.dispatch({type: 'ask', ticket: 'OPS-7', agentName: 'builder', title: 'Waiting long', body: 'b', priority: 'normal', actor: {type: 'agent', name: 'builder'}});
		past.close();
		if (!result.ok) throw new Error(result.rejection.message);
		await ask('Just asked');
		const text = (await forum('status')).stdout;
		expect(counts(text)).toMatchObject({new: 2, escalations: 1});
		expect(text).toMatch(new RegExp(`- thread=${result.threadId} state=new priority=normal .* waited=31m past_sla=1m title=Waiting long`));
		expect(JSON.parse((await forum('status', '--json')).stdout).escalated[0]).toMatchObject({thread_id: result.threadId, waited_minutes: 31, minutes_past_sla: 1});
	});

	it('lists at most five escalated threads under Forum and every one under Guidance', async () => {
		const ids: string[] = [];
		for (let index = 0; index < 7; index++) ids.push(await ask(`Question ${index}`, 'high'));
		const text = (await forum('status')).stdout;
		expect(text.split('\n').filter((line) => line.startsWith('  - thread='))).toHaveLength(5);
		expect(text).toContain('  - ... and 2 more escalated (metawsm forum list --state new,waiting_human)\n');
		for (const id of ids) expect(text).toContain(`  - forum thread=${id} state=new priority=high`);
	});

	it('counts only the given ticket with --ticket', async () => {
		await ask('One', 'high', 'OPS-7');
		await ask('Two', 'normal', 'API-31');
		const json = JSON.parse((await forum('status', '--ticket', 'API-31', '--json')).stdout);
		expect(json).toMatchObject({ticket: 'API-31', forum: {total: 1, new: 1, escalations: 0}, guidance: []});
	});

	it('refuses a title with a bidi override, so status never prints one', async () => {
		const result = await forum('ask', '--ticket', 'OPS-7', '--agent', 'builder', '--title', 'Evil \u202e title', '--body', 'x', '--priority', 'high');
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/title contains an invisible or direction-changing character \(U\+202E/);
		expect((await forum('status')).stdout).not.toContain('\u202e');
	});
});
