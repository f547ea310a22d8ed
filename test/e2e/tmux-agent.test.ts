/**
 * Agents and operators in real tmux (a private server): `ask` from inside a pane records that
 * pane with the question; the dashboard's bell marks its window when an urgent thread arrives.
 */
import Database from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import {afterAll, afterEach, beforeEach, describe, expect, it} from 'vitest';
import {CLI, runCli, tempDir} from '../helpers/cli.js';
import {describeWithTmux, privateTmux} from '../helpers/tmux.js';

const tmux = privateTmux('agent');
let dir: string;
let cleanup: () => void;
let db: string;
let counter = 0;
const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db], {cwd: dir});
const sessions: string[] = [];

function session(label: string): string {
	const name = `${label}-${++counter}`;
	sessions.push(name);
	return name;
}

async function threadJson(id: string): Promise<Record<string, unknown>> {
	const result = await forum('thread', '--thread-id', id, '--json');
	expect(result.code, result.stderr).toBe(0);
	return JSON.parse(result.stdout);
}

beforeEach(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
});
afterEach(() => {
	for (const name of sessions.splice(0)) tmux.run('kill-session', '-t', name);
	cleanup();
});
afterAll(() => tmux.kill());

describe('ask outside tmux', () => {
	it('records no pane', async () => {
		const result = await runCli(['forum', 'ask', '--db', db, '--ticket', 'OPS-7', '--title', 'q', '--body', 'b'], {cwd: dir, env: {TMUX: '', TMUX_PANE: ''}});
		expect(result.code, result.stderr).toBe(0);
		expect((await threadJson(result.stdout.trim()))['agent_pane']).toBeNull();
	});
});

describeWithTmux('agents and operators in tmux', () => {
	it('ask from inside a pane records its pane id, session:window.pane, socket and host in the opened event', async () => {
		const agent = session('agent');
		const out = path.join(dir, 'ask.out');
		tmux.run('new-session', '-d', '-s', agent, '-x', '100', '-y', '30', `${process.execPath} ${CLI} forum ask --db ${db} --ticket OPS-7 --agent builder --title "From a pane" --body b > ${out}; sleep 30`);
		const paneId = tmux.display(`${agent}:0.0`, '#{pane_id}');
		const deadline = Date.now() + 8000;
		while (!(fs.existsSync(out) && fs.readFileSync(out, 'utf8').trim() !== '') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
		const id = fs.readFileSync(out, 'utf8').trim();
		const pane = {pane_id: paneId, target: `${agent}:0.0`, socket: tmux.socketPath(), host: os.hostname()};
		expect((await threadJson(id))['agent_pane']).toEqual(pane);
		const sqlite = new Database(db, {readonly: true});
		const opened = sqlite.prepare(`SELECT payload_json FROM forum_events WHERE thread_id = ? AND event_type = 'forum.thread.opened'`).pluck().get(id) as string;
		sqlite.close();
		expect(JSON.parse(opened)).toEqual({title: 'From a pane', body: 'b', priority: 'normal', agent_pane: pane});
		const text = await forum('thread', '--thread-id', id);
		expect(text.stdout).toContain(`agent pane ${paneId} (${agent}:0.0) on ${os.hostname()}`);
	});

	it('the dashboard rings the bell by default: a window that is not shown gets its bell flag when an urgent thread arrives', async () => {
		const ops = session('ops');
		tmux.run('new-session', '-d', '-s', ops, '-x', '100', '-y', '30', '-n', 'shell', 'bash --norc --noprofile');
		tmux.run('new-window', '-d', '-t', ops, '-n', 'dash', '-e', 'METAWSM_ACTOR_NAME=ops', `${process.execPath} ${CLI} forum dash --db ${db}`);
		await tmux.until('the dashboard', `${ops}:dash`, (screen) => screen.includes('metawsm forum  needs human'));
		expect(tmux.display(`${ops}:shell`, '#{window_active}')).toBe('1');
		expect(tmux.display(`${ops}:dash`, '#{window_bell_flag}')).toBe('0');
		await forum('ask', '--ticket', 'OPS-7', '--title', 'Prod is down', '--body', 'b', '--priority', 'urgent');
		await tmux.until('the urgent thread', `${ops}:dash`, (screen) => screen.includes('Prod is down'));
		const deadline = Date.now() + 3000;
		while (tmux.display(`${ops}:dash`, '#{window_bell_flag}') !== '1' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
		expect(tmux.display(`${ops}:dash`, '#{window_bell_flag}')).toBe('1');
	});

	it('--no-bell leaves the window unmarked', async () => {
		const ops = session('quiet');
		tmux.run('new-session', '-d', '-s', ops, '-x', '100', '-y', '30', '-n', 'shell', 'bash --norc --noprofile');
		tmux.run('new-window', '-d', '-t', ops, '-n', 'dash', '-e', 'METAWSM_ACTOR_NAME=ops', `${process.execPath} ${CLI} forum dash --no-bell --db ${db}`);
		await tmux.until('the dashboard', `${ops}:dash`, (screen) => screen.includes('metawsm forum  needs human'));
		await forum('ask', '--ticket', 'OPS-7', '--title', 'Also down', '--body', 'b', '--priority', 'urgent');
		await tmux.until('the urgent thread', `${ops}:dash`, (screen) => screen.includes('Also down'));
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(tmux.display(`${ops}:dash`, '#{window_bell_flag}')).toBe('0');
	});
});
