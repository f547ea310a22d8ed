/**
 * The decision an agent acts on, through the built CLI: never wrong, empty, borrowed, stale or
 * lost. Each `describe` is one of the reproductions of issue 10, as it must behave now.
 */
import {spawn} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {CLI, runCli, tempDir, type CliResult} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let db: string;
const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db]);

beforeEach(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
});
afterEach(() => cleanup());

async function ask(...extra: string[]): Promise<string> {
	const title = extra.includes('--title') ? [] : ['--title', 'Drop table B?'];
	const result = await forum('ask', '--ticket', 'OPS-9', '--agent', 'builder', ...title, '--body', 'B has no reads.', ...extra);
	expect(result).toMatchObject({code: 0, stderr: ''});
	return result.stdout.trim();
}

/** A running CLI process; `done` resolves with its exit code and output. */
function start(args: string[]): {done: Promise<CliResult>; stderrSoFar: () => string} {
	const child = spawn(process.execPath, [CLI, 'forum', ...args, '--db', db], {env: {...process.env, METAWSM_ACTOR_NAME: 'tester'}});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
	const done = new Promise<CliResult>((resolve) =>
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({code: code ?? 1, stdout, stderr});
		}),
	);
	return {done, stderrSoFar: () => stderr};
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

function checksum(): string {
	const raw = new Database(db, {readonly: true});
	try {
		const rows = raw.prepare('SELECT * FROM forum_events ORDER BY sequence').all();
		const commands = raw.prepare('SELECT * FROM forum_commands ORDER BY command_id').all();
		return crypto.createHash('sha256').update(JSON.stringify([rows, commands])).digest('hex');
	} finally {
		raw.close();
	}
}

describe('1. a reused command id is compared, never borrowed', () => {
	it('ask --wait with an id used for a different, answered question is refused and opens nothing', async () => {
		const first = await ask('--command-id', 'run42-q', '--title', 'Drop table A?');
		await forum('answer', '--thread-id', first, '--body', 'Yes, drop A.');
		const before = checksum();
		const second = await forum('ask', '--ticket', 'OPS-9', '--title', 'Drop table B?', '--body', 'B.', '--command-id', 'run42-q', '--wait', '--timeout', '5');
		expect(second.code).toBe(3);
		expect(second.stdout).toBe('');
		expect(second.stderr).toContain('command id run42-q was already used');
		expect(second.stderr).toContain(`ask on thread ${first}`);
		expect(checksum()).toBe(before);
	});

	it('answer with an id already used on another thread is refused and writes nothing on either', async () => {
		const a = await ask();
		const c = await ask('--title', 'Other question?');
		await forum('answer', '--thread-id', a, '--body', 'Yes.', '--command-id', 'X1');
		const before = checksum();
		const result = await forum('answer', '--thread-id', c, '--body', 'No.', '--command-id', 'X1', '--json');
		expect(result.code).toBe(3);
		expect(JSON.parse(result.stderr)).toMatchObject({error: {code: 'command_id_conflict'}});
		expect(checksum()).toBe(before);
		expect(JSON.parse((await forum('thread', '--thread-id', c, '--json')).stdout).state).toBe('new');
	});

	it('an identical retry returns the first result and writes nothing', async () => {
		const id = await ask('--command-id', 'run42-q');
		const before = checksum();
		const again = await forum('ask', '--ticket', 'OPS-9', '--agent', 'builder', '--title', 'Drop table B?', '--body', 'B has no reads.', '--command-id', 'run42-q');
		expect(again.code).toBe(0);
		expect(again.stdout.trim()).toBe(id);
		expect(checksum()).toBe(before);
	});
});

describe('2. nothing but an answer answers', () => {
	it('state --state answered is refused with exit 3, names the answer command and writes nothing', async () => {
		const id = await ask();
		const before = checksum();
		const result = await forum('state', '--thread-id', id, '--state', 'answered');
		expect(result.code).toBe(3);
		expect(result.stderr).toContain('metawsm forum answer');
		expect(checksum()).toBe(before);
	});

	it('a waiting agent does not wake on a state change and gets the real answer later', async () => {
		const id = await ask();
		const waiter = start(['wait', '--thread-id', id, '--timeout', '20']);
		await forum('state', '--thread-id', id, '--state', 'waiting_operator');
		await forum('state', '--thread-id', id, '--state', 'waiting_human');
		await forum('answer', '--thread-id', id, '--body', 'Drop B, keep a dump.');
		const result = await waiter.done;
		expect(result).toMatchObject({code: 0, stdout: 'Drop B, keep a dump.\n'});
	});
});

describe('3. the answer is the answer record, not the last human post', () => {
	it('an operator clarifying post followed by a state change is not handed to the agent', async () => {
		const id = await ask();
		await forum('post', '--thread-id', id, '--actor-type', 'operator', '--body', 'Do NOT run it yet - which environment?');
		await forum('state', '--thread-id', id, '--state', 'waiting_human');
		const result = await forum('wait', '--thread-id', id, '--timeout', '1');
		expect(result.code).toBe(124);
		expect(result.stdout).toBe('');
	});

	it('an answer given with actor type agent is still the answer', async () => {
		const id = await ask();
		await forum('answer', '--thread-id', id, '--actor-type', 'agent', '--actor-name', 'lead-bot', '--body', 'Go ahead.');
		const result = await forum('wait', '--thread-id', id, '--json');
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout).decision).toMatchObject({kind: 'text', body: 'Go ahead.', author: {type: 'agent', name: 'lead-bot'}});
	});

	it('thread --json, wait --json and docs-sync name the same answer', async () => {
		const id = await ask('--choice', 'Drop A', '--choice', 'Keep A');
		await forum('post', '--thread-id', id, '--actor-type', 'operator', '--body', 'Checking the reads first.');
		await forum('answer', '--thread-id', id, '--choice', '2', '--body', 'Reads came back.');
		const waited = JSON.parse((await forum('wait', '--thread-id', id, '--json')).stdout);
		const shown = JSON.parse((await forum('thread', '--thread-id', id, '--json')).stdout);
		expect(shown.decision).toEqual(waited.decision);
		expect(waited.decision).toMatchObject({kind: 'choice', choice: {index: 2, label: 'Keep A'}, body: 'Reads came back.'});
		const docs = path.join(dir, 'docs');
		expect((await runCli(['forum', 'docs-sync', '--db', db, '--root', docs])).code).toBe(0);
		const doc = fs.readFileSync(path.join(docs, 'OPS-9.md'), 'utf8');
		expect(doc).toContain('**Choice 2: Keep A**');
		expect(doc).toContain('Reads came back.');
		expect(doc).not.toContain('Checking the reads first.\n\n<!--');
	});
});

describe('4. two operators: the second answer is refused, not added', () => {
	it('an answer on the version seen before another operator answered is refused as stale, naming who', async () => {
		const id = await ask();
		const seen = JSON.parse((await forum('thread', '--thread-id', id, '--json')).stdout).version as number;
		await forum('answer', '--thread-id', id, '--actor-name', 'bob', '--body', 'Yes, drop B.');
		const before = checksum();
		const late = await forum('answer', '--thread-id', id, '--actor-name', 'alice', '--body', 'No, keep B.', '--if-version', String(seen));
		expect(late.code).toBe(3);
		expect(late.stderr).toMatch(/changed since version \d+: operator bob answered it \(text\) \d+s ago/);
		expect(checksum()).toBe(before);
	});

	it('a second answer without --amend is refused even without a version', async () => {
		const id = await ask();
		await forum('answer', '--thread-id', id, '--actor-name', 'bob', '--body', 'Yes.');
		const late = await forum('answer', '--thread-id', id, '--actor-name', 'alice', '--body', 'No.');
		expect(late.code).toBe(3);
		expect(late.stderr).toContain('already answered by operator bob');
		expect(late.stderr).toContain('--amend');
	});

	it('a post on a version older than a close is refused as stale', async () => {
		const id = await ask();
		const seen = JSON.parse((await forum('thread', '--thread-id', id, '--json')).stdout).version as number;
		await forum('close', '--thread-id', id, '--actor-name', 'bob');
		const late = await forum('post', '--thread-id', id, '--actor-type', 'operator', '--body', 'hm', '--if-version', String(seen));
		expect(late.code).toBe(3);
		expect(late.stderr).toContain('operator bob closed it');
	});

	it('a plain post or priority change by someone else does not make a version stale', async () => {
		const id = await ask();
		const seen = JSON.parse((await forum('thread', '--thread-id', id, '--json')).stdout).version as number;
		await forum('post', '--thread-id', id, '--body', 'more detail from the agent');
		await forum('priority', '--thread-id', id, '--priority', 'high');
		expect((await forum('answer', '--thread-id', id, '--body', 'Yes.', '--if-version', String(seen))).code).toBe(0);
	});
});

describe('6. timeouts of any size', () => {
	it('ask --wait --timeout 9999999 keeps waiting instead of giving up at once', async () => {
		const waiter = start(['ask', '--ticket', 'OPS-9', '--title', 'Long wait?', '--body', 'b', '--wait', '--timeout', '9999999']);
		await until(() => waiter.stderrSoFar().includes('waiting for an answer'));
		await new Promise((resolve) => setTimeout(resolve, 500));
		const id = /thread (t-[0-9a-z]+)/.exec(waiter.stderrSoFar())![1]!;
		await forum('answer', '--thread-id', id, '--body', 'Here you go.');
		expect(await waiter.done).toMatchObject({code: 0, stdout: 'Here you go.\n'});
	});

	it('--timeout 0 means no limit', async () => {
		const id = await ask();
		const waiter = start(['wait', '--thread-id', id, '--timeout', '0']);
		await new Promise((resolve) => setTimeout(resolve, 700));
		await forum('answer', '--thread-id', id, '--body', 'Now.');
		expect(await waiter.done).toMatchObject({code: 0, stdout: 'Now.\n'});
	});

	it('a timed-out wait exits 124 and names a wait command that then returns the answer', async () => {
		const id = await ask();
		const first = await forum('wait', '--thread-id', id, '--timeout', '1');
		expect(first.code).toBe(124);
		const next = /run next: (metawsm forum wait .*)$/m.exec(first.stderr)![1]!;
		expect(next).toContain(`--thread-id ${id}`);
		expect(next).toContain(`--db ${db}`);
		await forum('answer', '--thread-id', id, '--body', 'Answered meanwhile.');
		const args = next.split(' ').slice(1);
		expect(await runCli(args)).toMatchObject({code: 0, stdout: 'Answered meanwhile.\n'});
	});

	it('ask --wait --timeout 2 on an unanswered thread exits 124 with a JSON next step', async () => {
		const result = await forum('ask', '--ticket', 'OPS-9', '--title', 'Q?', '--body', 'b', '--wait', '--timeout', '1', '--json');
		expect(result.code).toBe(124);
		const out = JSON.parse(result.stdout);
		expect(out).toMatchObject({status: 'waiting', decision: null});
		expect(out.next).toContain(`metawsm forum wait --thread-id ${out.thread_id}`);
		expect(JSON.parse(result.stderr)).toMatchObject({error: {code: 'timeout'}});
	});
});

describe('wait --timeout', () => {
	it('takes a duration as snooze --for does (1s), and exits 124 after it', async () => {
		const id = await ask();
		const started = Date.now();
		const result = await forum('wait', '--thread-id', id, '--timeout', '1s');
		expect(result.code).toBe(124);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
	});

	it('refuses what is neither seconds nor a duration, naming both forms', async () => {
		const id = await ask();
		const result = await forum('wait', '--thread-id', id, '--timeout', 'soon');
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/--timeout must be seconds ≥ 0 \(240; 0: no limit\) or a duration \(90s, 10m, 1h30m\), got "soon"/);
	});
});

describe('structured questions through the CLI', () => {
	it('a choice answered by number prints the label, then the reason', async () => {
		const id = await ask('--choice', 'A', '--choice', 'B', '--recommend', '1');
		await forum('answer', '--thread-id', id, '--choice', '2', '--body', 'B is safer.');
		expect(await forum('wait', '--thread-id', id)).toMatchObject({code: 0, stdout: 'B\nB is safer.\n'});
	});

	it('a choice answered by label picks that option', async () => {
		const id = await ask('--choice', 'Drop', '--choice', 'Keep');
		await forum('answer', '--thread-id', id, '--choice', 'keep');
		expect((await forum('wait', '--thread-id', id)).stdout).toBe('Keep\n');
	});

	it('a choice out of range is refused with the options listed', async () => {
		const id = await ask('--choice', 'A', '--choice', 'B');
		const result = await forum('answer', '--thread-id', id, '--choice', '3');
		expect(result.code).toBe(3);
		expect(result.stderr).toContain('it offers 1 A · 2 B');
	});

	it('an approval exits 0 when approved and 4 when denied', async () => {
		const yes = await ask('--approval');
		const no = await ask('--approval');
		await forum('answer', '--thread-id', yes, '--approve');
		await forum('answer', '--thread-id', no, '--deny', '--body', 'Not before the audit.');
		expect(await forum('wait', '--thread-id', yes)).toMatchObject({code: 0, stdout: 'approved\n'});
		expect(await forum('wait', '--thread-id', no)).toMatchObject({code: 4, stdout: 'denied\nNot before the audit.\n'});
	});

	it('an approval question answered in words is not an approval (exit 4)', async () => {
		const id = await ask('--approval');
		await forum('answer', '--thread-id', id, '--body', 'Use staging first.');
		const result = await forum('wait', '--thread-id', id, '--json');
		expect(result.code).toBe(4);
		expect(JSON.parse(result.stdout).decision).toMatchObject({kind: 'text', approved: null});
	});

	it('approve on a choice question is refused and writes nothing', async () => {
		const id = await ask('--choice', 'A', '--choice', 'B');
		const before = checksum();
		const result = await forum('answer', '--thread-id', id, '--approve');
		expect(result.code).toBe(3);
		expect(result.stderr).toContain('not for an approval');
		expect(checksum()).toBe(before);
	});

	it('one --choice, ten --choice or --choice with --approval are usage errors', async () => {
		const base = ['ask', '--ticket', 'T', '--title', 'Q', '--body', 'b'];
		expect((await forum(...base, '--choice', 'A')).code).toBe(2);
		expect((await forum(...base, ...Array.from({length: 10}, (_, i) => ['--choice', `o${i}`]).flat())).code).toBe(2);
		expect((await forum(...base, '--choice', 'A', '--choice', 'B', '--approval')).code).toBe(2);
		expect((await forum(...base, '--choice', 'A', '--choice', 'a')).code).toBe(2);
	});

	it('a wait on a thread closed without an answer exits 3 and says so', async () => {
		const id = await ask();
		await forum('close', '--thread-id', id, '--actor-name', 'bob');
		const result = await forum('wait', '--thread-id', id);
		expect(result.code).toBe(3);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain('closed by operator bob');
		expect(result.stderr).toContain('without an answer');
	});

	it('a thread closed after its answer still hands over that answer', async () => {
		const id = await ask();
		await forum('answer', '--thread-id', id, '--body', 'Yes.');
		await forum('close', '--thread-id', id);
		expect(await forum('wait', '--thread-id', id)).toMatchObject({code: 0, stdout: 'Yes.\n'});
	});
});

describe('amend', () => {
	it('replaces the decision, keeps the old one in history, and wait --json says amended', async () => {
		const id = await ask('--choice', 'A', '--choice', 'B');
		await forum('answer', '--thread-id', id, '--choice', '1');
		await forum('answer', '--thread-id', id, '--choice', '2', '--amend', '--body', 'Sorry, B.');
		const waited = JSON.parse((await forum('wait', '--thread-id', id, '--json')).stdout);
		expect(waited.decision).toMatchObject({choice: {index: 2, label: 'B'}, amended: true, amendments: 1});
		const shown = JSON.parse((await forum('thread', '--thread-id', id, '--json')).stdout);
		expect(shown.posts.map((post: {answer: {choice: {label: string}}}) => post.answer.choice.label)).toEqual(['A', 'B']);
		expect((await forum('thread', '--thread-id', id)).stdout).toContain('amended the answer 2 B');
	});

	it('--amend on a thread without an answer is refused', async () => {
		const id = await ask();
		const result = await forum('answer', '--thread-id', id, '--body', 'x', '--amend');
		expect(result.code).toBe(3);
		expect(result.stderr).toContain('no current answer to amend');
	});

	it('a follow-up after an answer makes the agent wait for a new decision', async () => {
		const id = await ask();
		await forum('answer', '--thread-id', id, '--body', 'Yes.');
		await forum('post', '--thread-id', id, '--body', 'Which schema, though?');
		const result = await forum('wait', '--thread-id', id, '--timeout', '1');
		expect(result.code).toBe(124);
		await forum('answer', '--thread-id', id, '--body', 'public.');
		expect(await forum('wait', '--thread-id', id)).toMatchObject({code: 0, stdout: 'public.\n'});
	});
});
