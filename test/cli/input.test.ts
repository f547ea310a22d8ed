import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli, tempDir, type CliOptions} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let db: string;
const forum = (args: string[], options?: CliOptions) => runCli(['forum', ...args, '--db', db], options);

beforeAll(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
});
afterAll(() => cleanup());

const HOSTILE = 'before \u001b]0;pwned\u0007 \u001b[2J \u009b31m after';

describe('idempotency', () => {
	it('the same --command-id twice creates one thread and one event', async () => {
		const args = ['ask', '--ticket', 'IDEM-1', '--title', 'Q', '--body', 'B', '--command-id', 'agent-7-attempt-1'];
		const first = await forum(args);
		const second = await forum(args);
		expect(first.code).toBe(0);
		expect(second.code).toBe(0);
		expect(second.stdout).toBe(first.stdout);
		expect(second.stderr).toBe('note: command agent-7-attempt-1 was already applied; nothing written\n');
		const threads = JSON.parse((await forum(['list', '--json', '--ticket', 'IDEM-1'])).stdout).threads;
		expect(threads).toHaveLength(1);
		const events = (await forum(['watch', '--json', '--ticket', 'IDEM-1'])).stdout.trim().split('\n');
		expect(events).toHaveLength(1);
	});

	it('reports the duplicate in JSON', async () => {
		const args = ['ask', '--json', '--ticket', 'IDEM-2', '--title', 'Q', '--body', 'B', '--command-id', 'c-2'];
		const first = JSON.parse((await forum(args)).stdout);
		const second = JSON.parse((await forum(args)).stdout);
		expect(first.duplicate).toBe(false);
		expect(second).toMatchObject({duplicate: true, thread_id: first.thread_id, events: first.events});
	});
});

describe('bodies from files and standard input', () => {
	it('reads --body-file FILE', async () => {
		const file = path.join(dir, 'body.md');
		fs.writeFileSync(file, 'Line one\nLine two\n');
		const id = (await forum(['ask', '--ticket', 'F-1', '--title', 'Q', '--body-file', file])).stdout.trim();
		expect(JSON.parse((await forum(['thread', '--json', '--thread-id', id])).stdout).body).toBe('Line one\nLine two\n');
	});

	it('reads --body-file - from standard input', async () => {
		const id = (await forum(['ask', '--ticket', 'F-2', '--title', 'Q', '--body-file', '-'], {input: 'from stdin'})).stdout.trim();
		expect(JSON.parse((await forum(['thread', '--json', '--thread-id', id])).stdout).body).toBe('from stdin');
	});

	it('refuses invalid UTF-8 with exit 2', async () => {
		const result = await forum(['ask', '--ticket', 'F-3', '--title', 'Q', '--body-file', '-'], {input: Buffer.from([0x66, 0xff, 0xfe, 0x6f])});
		expect(result).toMatchObject({code: 2, stderr: 'metawsm forum ask: standard input is not valid UTF-8; convert it (e.g. iconv -t UTF-8) and retry\n'});
	});

	it('refuses a NUL byte with exit 2', async () => {
		const result = await forum(['ask', '--ticket', 'F-4', '--title', 'Q', '--body-file', '-'], {input: Buffer.from('a\u0000b')});
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/contains a NUL byte/);
	});

	it('refuses --body together with --body-file', async () => {
		const result = await forum(['ask', '--ticket', 'F-5', '--title', 'Q', '--body', 'x', '--body-file', '-']);
		expect(result).toMatchObject({code: 2, stderr: 'metawsm forum ask: give either --body or --body-file, not both\n'});
	});
});

describe('agent text never reaches stdout raw', () => {
	let id = '';
	beforeAll(async () => {
		id = (await forum(['ask', '--ticket', 'EVIL-1', '--agent', 'builder', '--title', 'Title', '--body', HOSTILE])).stdout.trim();
		await forum(['post', '--thread-id', id, '--body', HOSTILE]);
	});

	for (const [name, args] of [
		['thread', ['thread', '--thread-id', '<id>']],
		['thread --json', ['thread', '--json', '--thread-id', '<id>']],
		['list', ['list']],
		['list --json', ['list', '--json']],
		['watch', ['watch']],
		['watch --json', ['watch', '--json']],
		['status', ['status']],
	] as const) {
		it(`${name} shows escape sequences as visible text`, async () => {
			const result = await forum(args.map((arg) => (arg === '<id>' ? id : arg)));
			expect(result.code).toBe(0);
			expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
			if (name.startsWith('thread') || name.startsWith('watch')) expect(result.stdout).toMatch(/\\e\]0;pwned|\\u001b\]0;pwned/);
		});
	}

	it('one-line fields (agent, title, ticket) with an escape are refused at the door', async () => {
		for (const [flag, value] of [['--agent', 'bad\u001b[31m'], ['--title', 'T\u001b]0;x\u0007'], ['--ticket', 'T\u009b2J']]) {
			const args = ['ask', '--ticket', 'EVIL-2', '--agent', 'a', '--title', 'T', '--body', 'B'];
			args[args.indexOf(flag!) + 1] = value!;
			const result = await forum(args);
			expect(result.code).toBe(2);
			expect(result.stderr).toMatch(/contains a control character/);
			expect(result.stderr).not.toMatch(/[\u001b\u009b]/);
		}
	});
});
