/**
 * The dashboard as a daily tmux user drives it: keys sent in one chunk, rows with emoji and CJK
 * titles, SIGHUP, Ctrl-Z and fg, a --demo run's temporary directory.
 */
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import stringWidth from 'string-width';
import {afterAll, afterEach, beforeAll, expect, it} from 'vitest';
import {CLI, runCli, tempDir} from '../helpers/cli.js';
import {describeWithTmux, HAS_TMUX, privateTmux, type TmuxServer} from '../helpers/tmux.js';

const PROMPT = 'dash-term$';
let dir: string;
let cleanup: () => void;
let db: string;
let tmux: TmuxServer;
let session: string | undefined;
let counter = 0;

const forum = (args: string[]) => runCli(['forum', ...args, '--db', db]);
const capture = () => tmux.capture(session!);
const display = (format: string) => tmux.display(session!, format);
const keys = (...k: string[]) => tmux.run('send-keys', '-t', session!, ...k);
const literal = (text: string) => tmux.run('send-keys', '-t', session!, '-l', text);
const until = (what: string, predicate: (screen: string) => boolean, timeoutMs?: number) => tmux.until(what, session!, predicate, timeoutMs);
const selectedRow = (screen: string) => screen.split('\n').find((line) => line.startsWith('▶')) ?? '';
/** A fresh prompt under the command line: the dashboard has left the screen and its process is done (or stopped). */
const onShell = (screen: string) => screen.split(PROMPT).length - 1 >= 2 && !screen.includes('metawsm forum  needs human');

async function ask(ticket: string, title: string, priority = 'normal'): Promise<void> {
	const result = await forum(['ask', '--ticket', ticket, '--agent', 'builder', '--title', title, '--body', `${title}?`, '--priority', priority]);
	expect(result.code, result.stderr).toBe(0);
}

/** A shell in a fresh 100x30 session; then `command` (the dashboard) in it. */
async function start(command: string, env: Record<string, string> = {}): Promise<void> {
	session = `term-${++counter}`;
	const vars = Object.entries({PS1: `${PROMPT} `, METAWSM_ACTOR_NAME: 'ops', ...env}).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
	tmux.run('new-session', '-d', '-s', session, '-x', '100', '-y', '30', ...vars, 'bash', '--norc', '--noprofile');
	await until('the shell prompt', (screen) => screen.includes(PROMPT));
	literal(command);
	keys('Enter');
	await until('the dashboard', (screen) => screen.includes('metawsm forum  needs human'));
}

const dashboard = `node ${CLI} forum dash --no-bell`;

/** The dashboard's own process (the shell's child). */
function dashPid(): number {
	const shell = display('#{pane_pid}');
	return Number(execFileSync('pgrep', ['-P', shell], {encoding: 'utf8'}).trim().split('\n')[0]);
}

beforeAll(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
	if (HAS_TMUX) tmux = privateTmux('dash-term');
});
afterEach(() => {
	if (session) tmux.run('kill-session', '-t', session);
	session = undefined;
});
afterAll(() => {
	if (HAS_TMUX) tmux.kill();
	cleanup();
});

describeWithTmux('the dashboard in a real terminal', () => {
	it('send-keys -l jjj moves three rows, and Down Down in one send-keys moves two', async () => {
		for (let i = 1; i <= 6; i++) await ask(`K-${i}`, `question ${i}`);
		await start(`${dashboard} --db ${db}`);
		expect(selectedRow(capture())).toContain('K-1');
		literal('jjj');
		await until('three rows down', (screen) => selectedRow(screen).includes('K-4'));
		keys('Down', 'Down');
		await until('two more', (screen) => selectedRow(screen).includes('K-6'));
		keys('q');
		await until('the shell again', onShell);
	});

	it('a row whose title has emoji or CJK keeps its POSTS, WAIT and ASSIGNEE columns where a plain row has them', async () => {
		const titles = ['plain ascii title', '🚀 deploy ⚡ power 🟠 orange', '数据库迁移是否可以执行', 'café naïve e\u0301te\u0301'];
		const wide = path.join(dir, 'wide.db');
		for (const [i, title] of titles.entries()) {
			const result = await runCli(['forum', 'ask', '--db', wide, '--ticket', `W-${i}`, '--agent', 'builder', '--title', title, '--body', 'b', '--json']);
			expect(result.code, result.stderr).toBe(0);
			await runCli(['forum', 'assign', '--db', wide, '--thread-id', JSON.parse(result.stdout).thread_id, '--assignee', 'zed']);
		}
		await start(`${dashboard} --db ${wide}`);
		const screen = await until('the rows', (s) => titles.every((_, i) => s.includes(`W-${i}`)));
		// Queue rows only: the selected thread's preview header names its ticket and assignee too.
		const rows = screen.split('\n').filter((line) => /W-\d/.test(line) && line.includes('zed') && !/^[┌│]/.test(line));
		expect(rows).toHaveLength(titles.length);
		// The cell (as the terminal drew it) where the assignee starts: the same on every row.
		const cellOf = (line: string, text: string) => stringWidth(line.slice(0, line.lastIndexOf(text)));
		const header = screen.split('\n').find((line) => line.includes('ASSIGNEE'))!;
		for (const row of rows) {
			expect(cellOf(row, 'zed'), row).toBe(cellOf(header, 'ASSIGNEE'));
			expect(stringWidth(row.trimEnd()), row).toBeLessThanOrEqual(100);
		}
		keys('q');
		await until('the shell again', onShell);
	});

	it('SIGHUP leaves the pane out of the alternate screen with the cursor visible', async () => {
		await ask('H-1', 'hang up');
		await start(`${dashboard} --db ${db}`);
		expect(display('#{alternate_on}')).toBe('1');
		process.kill(dashPid(), 'SIGHUP');
		await until('the shell again', onShell);
		expect(display('#{alternate_on}')).toBe('0');
		expect(display('#{cursor_flag}')).toBe('1');
	});

	it('a --demo run stopped by SIGHUP leaves no temporary directory', async () => {
		const tmp = path.join(dir, 'tmp-demo');
		fs.mkdirSync(tmp);
		await start(`${dashboard} --demo`, {TMPDIR: tmp});
		await until('a demo directory', () => fs.readdirSync(tmp).some((name) => name.startsWith('metawsm-demo-')));
		process.kill(dashPid(), 'SIGHUP');
		await until('the shell again', onShell);
		expect(fs.readdirSync(tmp).filter((name) => name.startsWith('metawsm-demo-'))).toEqual([]);
	});

	it('Ctrl-Z suspends to the shell with the terminal restored; fg brings the dashboard back', async () => {
		await ask('Z-1', 'suspend me');
		await start(`${dashboard} --db ${db}`);
		keys('C-z');
		const shell = await until('the shell with the job stopped', (s) => onShell(s) && /Stopped/.test(s));
		expect(shell).toContain('Stopped');
		expect(display('#{alternate_on}')).toBe('0');
		expect(display('#{cursor_flag}')).toBe('1');
		literal('fg');
		keys('Enter');
		await until('the dashboard again', (s) => s.includes('metawsm forum  needs human') && s.includes('Z-1'));
		expect(display('#{alternate_on}')).toBe('1');
		keys('j');
		keys('q');
		await until('the shell again', onShell);
	});
});
