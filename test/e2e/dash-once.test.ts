import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli, tempDir} from '../helpers/cli.js';

let cleanup: () => void;
let db: string;
const forum = (args: string[], env?: Record<string, string>) => runCli(['forum', ...args, '--db', db], {env});

beforeAll(async () => {
	let dir: string;
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
	await forum(['ask', '--ticket', 'OPS-7', '--agent', 'builder', '--title', 'May I drop table legacy_users?', '--body', 'No reads in 90 days.', '--priority', 'high']);
	// Titles refuse control characters; bodies keep them, so the body carries the attack.
	await forum(['ask', '--ticket', 'EVIL-1', '--agent', 'x', '--title', 'hostile body', '--body', 'title \u001b]0;pwned\u0007 clear \u001b[2J now', '--priority', 'urgent']);
});
afterAll(() => cleanup());

describe('dash --once', () => {
	it('prints one plain frame of the queue without a terminal', async () => {
		const result = await forum(['dash', '--once'], {COLUMNS: '100', LINES: '30'});
		expect(result.code).toBe(0);
		const lines = result.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^ metawsm forum {2}needs human 2 · escalated 2/);
		expect(lines[1]).toContain('[1 Needs human 2]');
		expect(lines[2]).toMatch(/^ {4}PRIO\s+STATE\s+TICKET\s+AGENT\s+TITLE\s+POSTS WAIT\s+OVER ASSIGNEE$/);
		expect(lines[3]).toMatch(/^▶•! urgent new\s+EVIL-1\s+x\s+hostile body/);
		expect(lines[4]).toMatch(/^ •! high\s+new\s+OPS-7\s+builder\s+May I drop table/);
		expect(lines.length).toBeLessThanOrEqual(29);
		expect(lines.every((line) => line.length <= 100)).toBe(true);
	});

	it('prints no key hints and no blank padding: nothing reads keys from a pipe', async () => {
		const result = await forum(['dash', '--once'], {COLUMNS: '100', LINES: '30'});
		const lines = result.stdout.trimEnd().split('\n');
		expect(result.stdout).not.toMatch(/a answer|\? help|q quit/);
		// The preview's last line, then the status line: no run of empty lines between them.
		expect(result.stdout).not.toMatch(/\n\n\n/);
		expect(lines.at(-1)).toMatch(/forum\.db · seq \d+ · redis off$/);
		expect(lines.length).toBeLessThan(20);
	});

	it('contains no escape sequences, even with FORCE_COLOR set, and shows hostile text escaped', async () => {
		const result = await forum(['dash', '--once'], {FORCE_COLOR: '3'});
		expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
		expect(result.stdout).toContain('title \\e]0;pwned\\a clear \\e[2J now');
	});

	it('shows the demo queue with --demo', async () => {
		const result = await runCli(['forum', 'dash', '--demo', '--once']);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('OPS-7');
		expect(result.stdout).toContain('API-31');
		expect(result.stdout).toMatch(/needs human [1-9]/);
	});
});

describe('dash without a terminal', () => {
	it('fails with a clear message and exit code 2 instead of a raw-mode crash', async () => {
		const result = await forum(['dash']);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toBe('metawsm forum dash: the dashboard needs a terminal on stdin and stdout; for scripts use `metawsm forum dash --once`\n');
	});
});
