/**
 * Field filters and orders in a real terminal (tmux, 100x30 and 60x15), on the same seeded
 * database that `list --filter` reads: the dashboard and the CLI show the same set.
 */
import path from 'node:path';
import {afterAll, afterEach, beforeAll, expect, it} from 'vitest';
import {CLI, runCli, tempDir} from '../helpers/cli.js';
import {FILTER_EXPECTED, seedFilterForum} from '../helpers/filter-seed.js';
import {describeWithTmux, HAS_TMUX, privateTmux, type TmuxServer} from '../helpers/tmux.js';

const PROMPT = 'dash-filter$';
let dir: string;
let cleanup: () => void;
let db: string;
let tmux: TmuxServer;
let session: string | undefined;
let counter = 0;

const keys = (...k: string[]) => tmux.run('send-keys', '-t', session!, ...k);
const literal = (text: string) => tmux.run('send-keys', '-t', session!, '-l', text);
const until = (what: string, predicate: (screen: string) => boolean, timeoutMs?: number) => tmux.until(what, session!, predicate, timeoutMs);
const TITLES = ['Drop legacy_users?', 'Backfill orders?', 'Rotate the keys?', 'Retry the load?', 'Which icon set?', 'Old question', 'Waited long'];

/** The queue rows on screen, as the seeded titles they show (the preview is below the rows). */
function rowTitles(screen: string): string[] {
	const lines = screen.split('\n');
	const start = lines.findIndex((line) => /^\s+PRIO\s/.test(line)) + 1;
	const rows: string[] = [];
	for (const line of lines.slice(start)) {
		if (!/^[▶ ][• ][! ] (low|normal|high|urgent) /.test(line)) break;
		rows.push(TITLES.find((title) => line.includes(title.slice(0, 12))) ?? `?${line}`);
	}
	return rows;
}

async function start(columns: number, rows: number): Promise<void> {
	session = `filter-${++counter}`;
	tmux.run('new-session', '-d', '-s', session, '-x', String(columns), '-y', String(rows), '-e', `PS1=${PROMPT} `, '-e', 'METAWSM_ACTOR_NAME=ops', 'bash', '--norc', '--noprofile');
	await until('the shell prompt', (screen) => screen.includes(PROMPT));
	literal(`node ${CLI} forum dash --no-bell --db ${db}`);
	keys('Enter');
	await until('the dashboard', (screen) => screen.includes('metawsm forum'));
}

beforeAll(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
	seedFilterForum(db);
	if (HAS_TMUX) tmux = privateTmux('dash-filter');
});
afterEach(() => {
	if (session) {
		keys('q');
		tmux.run('kill-session', '-t', session);
	}
	session = undefined;
});
afterAll(() => {
	if (HAS_TMUX) tmux.kill();
	cleanup();
});

describeWithTmux('filters and orders in tmux', () => {
	it('/agent:etl priority:>=high in All open shows the set list --filter prints; o orders by blocked cost', async () => {
		await start(100, 30);
		keys('5', '/');
		await until('the filter prompt', (screen) => screen.includes('filter /'));
		literal('agent:etl priority:>=high');
		keys('Enter');
		let screen = await until('the filtered section', (s) => s.includes('[5 All open 3]') && s.includes('/agent:etl priority:>=high (Esc clears)'));
		const shown = rowTitles(screen).sort();
		expect(shown).toEqual(FILTER_EXPECTED['agent:etl priority:>=high']);
		const listed = await runCli(['forum', 'list', '--json', '--db', db, '--filter', 'agent:etl priority:>=high']);
		expect((JSON.parse(listed.stdout).threads as {title: string}[]).map((t) => t.title).sort()).toEqual(shown);
		// Default order: escalated (urgent, high), then the answered one; blocked cost: Drop 9×8, Backfill 8×4, Retry 0.
		expect(rowTitles(screen)).toEqual(['Drop legacy_users?', 'Backfill orders?', 'Retry the load?']);
		keys('o');
		screen = await until('the blocked-cost order', (s) => s.includes('order blocked cost'));
		expect(rowTitles(screen)).toEqual(['Drop legacy_users?', 'Backfill orders?', 'Retry the load?']);
		keys('o');
		screen = await until('the newest order', (s) => s.includes('order newest'));
		expect(rowTitles(screen)).toEqual(['Retry the load?', 'Backfill orders?', 'Drop legacy_users?']);
		// Another section keeps its own (no) filter; coming back shows this one again.
		keys('1');
		screen = await until('Needs human unfiltered', (s) => s.includes('[1 Needs human 6]'));
		expect(screen).not.toContain('/agent:etl');
		keys('5');
		await until('the filter again', (s) => s.includes('[5 All open 3]') && s.includes('/agent:etl priority:>=high'));
	});

	it('fits a 60x15 pane: a bad filter names the problem and keeps the text; o names the order', async () => {
		await start(60, 15);
		keys('/');
		await until('the filter prompt', (screen) => screen.includes('filter /'));
		literal('priority:>=bogus');
		keys('Enter');
		let screen = await until('the error', (s) => s.includes('✗ filter: priority: ">=bogus"'));
		expect(screen).toContain('filter / priority:>=bogus█');
		expect(screen.split('\n').every((line) => line.length <= 60)).toBe(true);
		keys('Escape');
		await until('the prompt closed', (s) => !s.includes('filter /'));
		keys('o');
		screen = await until('the order notice', (s) => s.includes('order: blocked cost'));
		expect(screen.split('\n').filter((line) => line !== '').length).toBeLessThanOrEqual(15);
	});
});
