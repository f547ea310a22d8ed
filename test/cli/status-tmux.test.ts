/** `metawsm forum status --format tmux`: one status-right segment, run as a real process. */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {runCli, tempDir} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let db: string;
const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db], {cwd: dir});

async function ask(title: string, priority = 'normal'): Promise<string> {
	const result = await forum('ask', '--ticket', 'OPS-7', '--title', title, '--body', 'b', '--priority', priority);
	expect(result.code, result.stderr).toBe(0);
	return result.stdout.trim();
}

beforeEach(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
});
afterEach(() => cleanup());

describe('metawsm forum status --format tmux', () => {
	it('prints the number of threads waiting for a human as a styled segment', async () => {
		await ask('one');
		await ask('two');
		expect(await forum('status', '--format', 'tmux')).toEqual({code: 0, stdout: '#[fg=yellow,bold]⚑2#[default]\n', stderr: ''});
	});

	it('adds the escalated count in red', async () => {
		await ask('calm');
		await ask('on fire', 'urgent');
		expect((await forum('status', '--format', 'tmux')).stdout).toBe('#[fg=yellow,bold]⚑2#[default] #[fg=white,bg=red,bold]!1#[default]\n');
	});

	it('prints an empty line when nothing waits', async () => {
		const id = await ask('done soon');
		await forum('answer', '--thread-id', id, '--body', 'done');
		expect(await forum('status', '--format', 'tmux')).toEqual({code: 0, stdout: '\n', stderr: ''});
	});

	it('prints nothing and creates no database when the file does not exist', async () => {
		expect(await forum('status', '--format', 'tmux')).toEqual({code: 0, stdout: '', stderr: ''});
		expect(fs.existsSync(db)).toBe(false);
	});

	it('shows ⚑? when the forum cannot be read, and says why on stderr', async () => {
		fs.writeFileSync(db, 'not a database, just text that is long enough to be read as a header');
		const result = await forum('status', '--format', 'tmux');
		expect(result.stdout).toBe('#[fg=red]⚑?#[default]\n');
		expect(result.stderr).toContain('is not a metawsm forum database');
		expect(result.code).toBe(1);
	});

	it('refuses an unknown format', async () => {
		const result = await forum('status', '--format', 'xml');
		expect(result.code).toBe(2);
		expect(result.stderr).toBe('metawsm forum status: unknown --format "xml"; use text or tmux (or --json)\n');
	});
});
