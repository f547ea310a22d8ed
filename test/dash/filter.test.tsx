/** The dashboard's field filters, orders and wait clock, through ink-testing-library on a real database. */
import {afterEach, describe, expect, it} from 'vitest';
import {ForumService} from '../../source/service/forum-service.js';
import {FILTER_EXPECTED, seedFilterForum} from '../helpers/filter-seed.js';
import {KEYS, mountDash, openForum, type Dash, type Forum} from './harness.js';

let forum: Forum | undefined;
let dash: Dash | undefined;
afterEach(() => {
	dash?.unmount();
	forum?.cleanup();
	dash = undefined;
	forum = undefined;
});

const PRIORITY_ROW = /^[▶ ][• ][! ] (low|normal|high|urgent) /;

/** The queue rows on screen, top to bottom, as the seeded titles they show. */
function rowTitles(frame: string, titles: readonly string[]): string[] {
	const lines = frame.split('\n');
	const start = lines.findIndex((line) => /^\s+PRIO\s/.test(line)) + 1;
	const rows: string[] = [];
	for (const line of lines.slice(start)) {
		if (!PRIORITY_ROW.test(line)) break;
		rows.push(titles.find((title) => line.includes(title)) ?? `?${line}`);
	}
	return rows;
}

const SEEDED = ['Drop legacy_users?', 'Backfill orders?', 'Rotate the keys?', 'Retry the load?', 'Which icon set?', '数据库迁移？ 🚀', 'Old question', 'Waited long'];
const statusLine = (frame: string) => frame.trimEnd().split('\n').at(-1)!;

async function seeded(): Promise<Dash> {
	forum = openForum();
	seedFilterForum(forum.file);
	return mountDash(forum, {columns: 110, rows: 30});
}

describe('the filter', () => {
	it('/agent:etl priority:>=high shows exactly those threads (All open), the same set as list --filter', async () => {
		dash = await seeded();
		await dash.press('5', '/');
		await dash.type('agent:etl priority:>=high');
		await dash.press(KEYS.enter);
		const frame = await dash.waitFor((f) => f.includes('[5 All open 3]'));
		expect(rowTitles(frame, SEEDED).sort()).toEqual(FILTER_EXPECTED['agent:etl priority:>=high']);
		expect(statusLine(frame)).toContain('/agent:etl priority:>=high (Esc clears)');
	});

	it('each tab counts its own section under its own filter, not the filter in view', async () => {
		dash = await seeded();
		const unfiltered = await dash.waitFor((f) => /\[1 Needs human \d+\]/.test(f));
		const allOpen = /5 All open (\d+)/.exec(unfiltered)![1];
		await dash.press('5', '/');
		await dash.type('agent:etl priority:>=high');
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('[5 All open 3]'));
		await dash.press('1');
		// Back in Needs human (no filter of its own): All open still counts its 3, Needs human all of its own.
		const frame = await dash.waitFor((f) => /\[1 Needs human \d+\]/.test(f));
		expect(frame).toContain(' 5 All open 3 ');
		expect(/\[1 Needs human (\d+)\]/.exec(frame)![1]).toBe(/\[1 Needs human (\d+)\]/.exec(unfiltered)![1]);
		expect(Number(allOpen)).toBeGreaterThan(3);
	});

	it('escalated:yes in Needs human shows the escalated threads, the waited one among them', async () => {
		dash = await seeded();
		await dash.press('/');
		await dash.type('escalated:yes');
		await dash.press(KEYS.enter);
		const frame = await dash.waitFor((f) => f.includes('[1 Needs human 4]'));
		expect(rowTitles(frame, SEEDED).sort()).toEqual(FILTER_EXPECTED['escalated:yes']);
	});

	it('stays with its section: switching away shows that section unfiltered, switching back shows the filter again', async () => {
		dash = await seeded();
		await dash.press('/');
		await dash.type('agent:etl');
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('[1 Needs human 3]'));
		await dash.press('5');
		let frame = await dash.waitFor((f) => f.includes('[5 All open 7]'));
		expect(statusLine(frame)).not.toContain('/agent:etl');
		await dash.press('1');
		frame = await dash.waitFor((f) => f.includes('[1 Needs human 3]'));
		expect(rowTitles(frame, SEEDED).sort()).toEqual(['Backfill orders?', 'Drop legacy_users?', 'Rotate the keys?']);
		expect(statusLine(frame)).toContain('/agent:etl (Esc clears)');
		// Esc clears it for good.
		await dash.press(KEYS.escape);
		frame = await dash.waitFor((f) => f.includes('[1 Needs human 6]'));
		await dash.press('5', '1');
		frame = await dash.waitFor((f) => f.includes('[1 Needs human 6]'));
		expect(statusLine(frame)).not.toContain('/agent:etl');
	});

	it('a bad filter shows the error and keeps the text as typed', async () => {
		dash = await seeded();
		await dash.press('/');
		await dash.type('agent:etl priority:>=bogus');
		let frame = await dash.waitFor((f) => f.includes('priority: ">=bogus" is not a priority'));
		await dash.press(KEYS.enter);
		frame = await dash.waitFor((f) => f.includes('filter / agent:etl priority:>=bogus█'));
		expect(frame).toContain('✗ filter: priority: ">=bogus" is not a priority; priorities: low, normal, high, urgent');
		// Fix it in place: the prompt still holds the text.
		for (let i = 0; i < 'bogus'.length; i++) await dash.press(KEYS.backspace);
		await dash.type('high');
		await dash.press(KEYS.enter);
		frame = await dash.waitFor((f) => statusLine(f).includes('/agent:etl priority:>=high'));
		expect(frame).not.toContain('is not a priority');
		expect(rowTitles(frame, SEEDED).sort()).toEqual(['Backfill orders?', 'Drop legacy_users?']);
	});

	it('an unknown field names it and the fields there are', async () => {
		dash = await seeded();
		await dash.press('/');
		await dash.type('owner:ops');
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('unknown field "owner"; fields: agent, ticket, assignee, state, priority, escalated'));
	});

	it('CJK and emoji words filter like any other', async () => {
		dash = await seeded();
		await dash.press('/');
		await dash.type('数据库 🚀');
		await dash.press(KEYS.enter);
		const frame = await dash.waitFor((f) => f.includes('[1 Needs human 1]'));
		expect(rowTitles(frame, SEEDED)).toEqual(['数据库迁移？ 🚀']);
	});
});

describe('o cycles the order', () => {
	it('default → blocked cost → newest → recently updated → default, named on the status line', async () => {
		dash = await seeded();
		let frame = dash.frame();
		expect(statusLine(frame)).not.toContain('order');
		// Default: escalated (urgent, high, then the 45-minute normal), then the rest by priority.
		expect(rowTitles(frame, SEEDED)).toEqual(['Drop legacy_users?', 'Which icon set?', 'Backfill orders?', 'Waited long', 'Rotate the keys?', '数据库迁移？ 🚀']);
		await dash.press('o');
		frame = await dash.waitFor((f) => statusLine(f).includes('order blocked cost'));
		// Minutes blocked × weight: Waited long 45×2=90, Drop 9×8=72, Which icon 5×8=40, Backfill 8×4=32, Rotate 7×2=14, 数据库 4×1=4.
		expect(rowTitles(frame, SEEDED)).toEqual(['Waited long', 'Drop legacy_users?', 'Which icon set?', 'Backfill orders?', 'Rotate the keys?', '数据库迁移？ 🚀']);
		await dash.press('o');
		frame = await dash.waitFor((f) => statusLine(f).includes('order newest'));
		expect(rowTitles(frame, SEEDED)).toEqual(['数据库迁移？ 🚀', 'Which icon set?', 'Rotate the keys?', 'Backfill orders?', 'Drop legacy_users?', 'Waited long']);
		await dash.press('o');
		frame = await dash.waitFor((f) => statusLine(f).includes('order recently updated'));
		// Rotate was assigned 30 s after it was asked: updated later than the ones asked after it.
		expect(rowTitles(frame, SEEDED)[0]).toBe('数据库迁移？ 🚀');
		expect(rowTitles(frame, SEEDED).indexOf('Rotate the keys?')).toBeLessThan(rowTitles(frame, SEEDED).indexOf('Backfill orders?'));
		await dash.press('o');
		frame = await dash.waitFor((f) => f.includes('order: default'));
		expect(statusLine(frame)).not.toContain('order');
	});

	it('keeps the cursor on its thread', async () => {
		dash = await seeded();
		await dash.press('j', 'j');
		expect(dash.selected()).toContain('Backfill orders?');
		await dash.press('o');
		await dash.waitFor((f) => statusLine(f).includes('order blocked cost'));
		expect(dash.selected()).toContain('Backfill orders?');
	});
});

describe('the wait clock in the dashboard', () => {
	it('assigning a thread that waited 40 minutes (SLA 30) leaves it escalated with WAIT 40m', async () => {
		forum = openForum();
		const past = new ForumService({db: forum.file, clock: () => new Date(Date.now() - 40 * 60_000)});
		const asked = past.dispatch({type: 'ask', ticket: 'W-40', agentName: 'builder', title: 'Waited forty', body: 'b', priority: 'normal', actor: {type: 'agent', name: 'builder'}});
		past.close();
		if (!asked.ok) throw new Error(asked.rejection.message);
		dash = await mountDash(forum);
		expect(dash.selected()).toMatch(/^▶•! normal\s+new\s+W-40 .*\s40m\s+\+10m -/);
		await dash.press('A', KEYS.enter);
		await dash.waitFor((f) => f.includes('✓ assigned W-40 to ops'));
		const frame = await dash.waitFor((f) => dash!.selected().includes(' ops') && f.includes('assignee operator:ops'));
		expect(dash.selected()).toMatch(/^▶ ! normal\s+new\s+W-40 .*\s40m\s+\+10m ops/);
		expect(frame).toContain('escalated 1');
		expect(frame).toMatch(/W-40 · builder · normal · new 40m · assignee operator:ops · ESCALATED \+10m past SLA/);
	});
});
