/** `metawsm forum docs-sync` and the docs-sync inside `serve`, as real processes. */
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {ForumService} from '../../source/service/forum-service.js';
import {CLI, runCli, tempDir} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let db: string;
let root: string;
const children: ChildProcess[] = [];
const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db], {cwd: dir});
const doc = (ticket = 'OPS-7') => fs.readFileSync(path.join(root, `${ticket}.md`), 'utf8');
const count = (text: string, needle: string) => text.split(needle).length - 1;

async function askAnswered(title: string, answer: string, ticket = 'OPS-7'): Promise<string> {
	const asked = await forum('ask', '--ticket', ticket, '--agent', 'builder', '--title', title, '--body', `Question: ${title}`);
	expect(asked).toMatchObject({code: 0, stderr: ''});
	const id = asked.stdout.trim();
	expect((await forum('answer', '--thread-id', id, '--body', answer, '--actor-name', 'ops')).code).toBe(0);
	return id;
}

function setCheckpoint(sequence: number): void {
	const sqlite = new Database(db);
	try {
		sqlite.pragma('busy_timeout = 5000');
		sqlite.prepare(`UPDATE forum_checkpoints SET sequence = ? WHERE consumer = 'docs-sync'`).run(sequence);
	} finally {
		sqlite.close();
	}
}

beforeEach(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
	root = path.join(dir, 'docs', 'tickets');
});

afterEach(async () => {
	for (const child of children.splice(0)) {
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise((resolve) => child.on('exit', resolve));
			child.kill('SIGKILL');
			await exited;
		}
	}
	cleanup();
});

describe('metawsm forum docs-sync', () => {
	it('writes the section once, with the answer, when run twice after answer and close', async () => {
		const id = await askAnswered('May I drop legacy_users?', 'Yes, production only.');
		expect((await forum('close', '--thread-id', id)).code).toBe(0);

		const first = await forum('docs-sync');
		expect(first.code).toBe(0);
		expect(first.stderr).toBe('');
		expect(first.stdout.split('\n').filter(Boolean)).toEqual([
			expect.stringMatching(new RegExp(`^docs-sync: appended thread ${id} \\(answered\\) in docs/tickets/OPS-7\\.md \\[event \\d+\\]$`)),
			expect.stringMatching(new RegExp(`^docs-sync: updated thread ${id} \\(closed\\) in docs/tickets/OPS-7\\.md \\[event \\d+\\]$`)),
		]);
		const written = doc();

		const second = await forum('docs-sync');
		expect(second).toEqual({code: 0, stdout: 'docs-sync: nothing new (docs root docs/tickets)\n', stderr: ''});
		expect(doc()).toBe(written);
		expect(count(written, `<!-- metawsm-forum:begin thread=${id} `)).toBe(1);
		expect(count(written, '## May I drop legacy_users?')).toBe(1);
		expect(count(written, 'Yes, production only.')).toBe(1);
		expect(written).toContain('- answered by operator ops at ');
		expect(written).toContain('state: closed');
	});

	it('does not duplicate after a crash between writing the document and moving the checkpoint', async () => {
		const id = await askAnswered('Retry or quarantine?', 'Quarantine it.');
		await forum('close', '--thread-id', id);
		await forum('docs-sync');
		const written = doc();
		setCheckpoint(0); // what a crash right after the rename, before the commit, leaves behind
		const rerun = await forum('docs-sync');
		expect(rerun.code).toBe(0);
		expect(rerun.stdout).toMatch(new RegExp(`^docs-sync: thread ${id} already in docs/tickets/OPS-7\\.md \\[event \\d+\\]\\n`));
		expect(doc()).toBe(written);
		expect((await forum('docs-sync')).stdout).toBe('docs-sync: nothing new (docs root docs/tickets)\n');
	});

	it('refuses tickets that would escape the docs root, writes nothing outside it, and moves on', async () => {
		const hostile = ['../escape', '../../etc/cron.d/evil', '/tmp/absolute', 'a\\b', '.hidden'];
		for (const ticket of hostile) await askAnswered(`from ${ticket}`, 'answer', ticket);
		const good = await askAnswered('A good one', 'fine');
		const result = await forum('docs-sync');
		expect(result.code).toBe(0);
		const refusals = result.stderr.split('\n').filter(Boolean);
		expect(refusals).toHaveLength(hostile.length);
		for (const line of refusals) expect(line).toMatch(/^metawsm forum docs-sync: refused thread t-\S+ \[event \d+\]: ticket ".*" .*; skipped$/);
		expect(result.stdout).toContain(`appended thread ${good} `);
		expect(fs.readdirSync(path.join(dir, 'docs'))).toEqual(['tickets']);
		expect(fs.readdirSync(root)).toEqual(['OPS-7.md']);
		expect(fs.existsSync(path.join(dir, 'escape.md'))).toBe(false);
		expect(fs.existsSync('/tmp/absolute.md')).toBe(false);
		expect((await forum('docs-sync')).stderr).toBe('');
	});

	it('exits 1 naming the file when the docs root cannot be written, and resumes once it can', async () => {
		const id = await askAnswered('Blocked docs', 'answer');
		fs.mkdirSync(path.dirname(root), {recursive: true});
		fs.writeFileSync(root, 'a file where the directory should be');
		const failed = await forum('docs-sync');
		expect(failed.code).toBe(1);
		expect(failed.stdout).toBe('');
		expect(failed.stderr).toMatch(/^metawsm forum docs-sync: cannot write .*docs\/tickets\/OPS-7\.md \(ENOTDIR: .*\); fix the docs root \(forum\.docs_sync\.root\) and rerun\n$/);
		fs.rmSync(root);
		expect((await forum('docs-sync')).stdout).toContain(`appended thread ${id} `);
	});

	it('reports each event as NDJSON with --json', async () => {
		const id = await askAnswered('JSON please', 'ok');
		const result = await forum('docs-sync', '--json');
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout)).toMatchObject({result: 'written', action: 'appended', trigger: 'answered', thread_id: id, ticket: 'OPS-7', file: path.join(root, 'OPS-7.md')});
	});

	it('writes under --root and under the policy root', async () => {
		await askAnswered('Where to?', 'here', 'WEB-2');
		expect((await forum('docs-sync', '--root', 'elsewhere')).code).toBe(0);
		expect(fs.existsSync(path.join(dir, 'elsewhere', 'WEB-2.md'))).toBe(true);
		const policy = path.join(dir, 'policy.json');
		fs.writeFileSync(policy, JSON.stringify({forum: {docs_sync: {root: 'from-policy'}}}));
		await askAnswered('And now?', 'there', 'WEB-3');
		expect((await forum('docs-sync', '--policy', policy)).code).toBe(0);
		expect(fs.existsSync(path.join(dir, 'from-policy', 'WEB-3.md'))).toBe(true);
	});

	it('never duplicates a section with three followers racing for the same events', async () => {
		const followers = Array.from({length: 3}, () => {
			const child = spawn(process.execPath, [CLI, 'forum', 'docs-sync', '--follow', '--db', db], {cwd: dir, stdio: ['ignore', 'pipe', 'pipe']});
			children.push(child);
			const output = {stdout: '', stderr: ''};
			child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
			child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
			return output;
		});
		await vi.waitFor(() => expect(followers.every((output) => output.stderr.includes('docs-sync: following'))).toBe(true), {timeout: 15_000, interval: 50});
		// Many events, made quickly through the library while all three wait for them.
		const service = new ForumService({db});
		const ids: string[] = [];
		for (let index = 0; index < 120; index++) {
			const asked = service.dispatch({type: 'ask', ticket: `T-${index % 3}`, agentName: 'builder', title: `Question ${index}`, body: 'b', priority: 'normal', actor: {type: 'agent', name: 'builder'}});
			if (!asked.ok) throw new Error(asked.rejection.message);
			ids.push(asked.threadId);
			service.dispatch({type: 'answer', threadId: asked.threadId, body: `Answer number ${index}.`, actor: {type: 'operator', name: 'ops'}});
			if (index % 2 === 0) service.dispatch({type: 'close', threadId: asked.threadId, actor: {type: 'operator', name: 'ops'}});
		}
		service.close();
		const written = () => followers.flatMap((output) => output.stdout.split('\n').filter((line) => / (appended|updated) thread /.test(line)));
		await vi.waitFor(() => expect(written().length).toBeGreaterThanOrEqual(180), {timeout: 30_000, interval: 100});
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(written()).toHaveLength(180);
		for (const [index, id] of ids.entries()) {
			const text = doc(`T-${index % 3}`);
			expect(count(text, `<!-- metawsm-forum:begin thread=${id} `)).toBe(1);
			expect(count(text, `Answer number ${index}.\n`)).toBe(1);
		}
		for (const output of followers) expect(output.stderr).toBe(`docs-sync: following, writing to docs/tickets\n`);
	});

	it('says so and writes nothing when docs-sync is disabled by policy', async () => {
		const policy = path.join(dir, 'policy.json');
		fs.writeFileSync(policy, JSON.stringify({forum: {docs_sync: {enabled: false}}}));
		const id = (await forum('ask', '--policy', policy, '--ticket', 'OPS-7', '--title', 't', '--body', 'b')).stdout.trim();
		await forum('answer', '--policy', policy, '--thread-id', id, '--body', 'a');
		const result = await forum('docs-sync', '--policy', policy);
		expect(result).toMatchObject({code: 0, stdout: '', stderr: expect.stringContaining('off (forum.docs_sync.enabled is false')});
		expect(fs.existsSync(root)).toBe(false);
	});
});

describe('docs-sync inside two serve processes', () => {
	it('keeps the ticket document current with one section per thread', async () => {
		for (let index = 0; index < 2; index++) {
			const child = spawn(process.execPath, [CLI, 'forum', 'serve', '--db', db], {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']});
			child.stderr!.resume();
			children.push(child);
		}
		const id = await askAnswered('Served?', 'Served by serve.');
		await vi.waitFor(() => expect(fs.existsSync(path.join(root, 'OPS-7.md')) && doc()).toContain('state: answered'), {timeout: 15_000, interval: 100});
		await forum('close', '--thread-id', id);
		await vi.waitFor(() => expect(doc()).toContain('state: closed'), {timeout: 15_000, interval: 100});
		expect(count(doc(), `<!-- metawsm-forum:begin thread=${id} `)).toBe(1);
		expect(count(doc(), 'Served by serve.')).toBe(1);
		expect((await forum('docs-sync')).stdout).toBe('docs-sync: nothing new (docs root docs/tickets)\n');
	});
});
