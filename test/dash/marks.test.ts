/** The reducer's marks and bulk actions, pure: update(state, input, world) with a world built from threads. */
import {describe, expect, it} from 'vitest';
import {KEYMAP} from '../../source/dash/keymap.js';
import {buildQueue} from '../../source/dash/queue-model.js';
import {bulkSummary, filterOf, initialState, update, type DashState, type Effect, type Input, type World} from '../../source/dash/state.js';
import type {Thread} from '../../source/forum/types.js';
import {NOW, SLA, threadsOf} from './frame-input.js';

function worldOf(threads: Thread[]): World {
	return {
		queue: (filter, order) => buildQueue({threads, seen: new Map(), me: 'ops', now: NOW, sla: SLA, filter, order}),
		thread: (id) => threads.find((thread) => thread.id === id),
		operator: {type: 'operator', name: 'ops'},
		now: NOW,
		listHeight: () => 20,
		detailMax: 0,
		detailHeight: 10,
		threadInView: true,
		editorAvailable: false,
		keymap: KEYMAP,
	};
}

const key = (name: string): Input => ({type: 'key', name, text: name.length === 1 ? name : ''});

/** Apply keys in order; the effects of the last. */
function press(state: DashState, world: World, ...names: string[]): {state: DashState; effects: Effect[]} {
	let result = {state, effects: [] as Effect[]};
	for (const name of names) result = update(result.state, key(name), world);
	return result;
}

const threads = threadsOf(5);
const world = worldOf(threads);
const start = () => initialState(world.queue('', 'default'));
const ids = threads.map((thread) => thread.id);

describe('marks', () => {
	it('space marks the cursor thread and moves the cursor down; space on a marked thread unmarks it', () => {
		const {state} = press(start(), world, 'space', 'space');
		expect([...state.marked]).toEqual([ids[0], ids[1]]);
		expect(state.selectedId).toBe(ids[2]);
		expect([...press(state, world, 'k', 'space').state.marked]).toEqual([ids[0]]);
	});

	it('* marks every row shown; * again when all are marked unmarks them', () => {
		const all = press(start(), world, '*').state;
		expect(all.marked.size).toBe(5);
		expect(press(all, world, '*').state.marked.size).toBe(0);
	});

	it('* marks only what the filter shows', () => {
		const filtered = {...start(), filters: {needs_human: '"question 3"'}};
		expect([...press(filtered, world, '*').state.marked]).toEqual([ids[3]]);
	});

	it('Esc clears the marks before the filter', () => {
		const marked = {...press(start(), world, '*').state, filters: {needs_human: 'question'}};
		const once = press(marked, world, 'escape').state;
		expect(once.marked.size).toBe(0);
		expect(filterOf(once)).toBe('question');
		expect(filterOf(press(once, world, 'escape').state)).toBe('');
	});

	it('switching sections drops marks on threads not shown there, and says so', () => {
		const {state} = press(start(), world, 'space', 'space', '4');
		expect(state.marked.size).toBe(0);
		expect(state.notice?.text).toBe(`2 marks dropped: T-0, T-1 no longer shown here`);
	});

	it('a live update keeps marks on threads still shown and drops one that left the view', () => {
		const marked = press(start(), world, 'space', 'space').state;
		const answered = threads.map((thread) => (thread.id === ids[1] ? {...thread, state: 'answered' as const} : thread));
		const next = update(marked, {type: 'queueChanged'}, worldOf(answered)).state;
		expect([...next.marked]).toEqual([ids[0]]);
	});
});

describe('bulk actions on the marks', () => {
	it('c with marks asks once, with the count; y sends one close per marked thread, each with the version it showed', () => {
		const asked = press(start(), world, 'space', 'j', 'space', 'c').state;
		expect(asked.prompt).toEqual({kind: 'confirm', purpose: 'bulkClose', targets: [{threadId: ids[0], version: 1}, {threadId: ids[2], version: 3}]});
		const {state, effects} = press(asked, world, 'y');
		expect(effects).toEqual([
			{
				type: 'bulk',
				commands: [
					{type: 'close', threadId: ids[0], actor: world.operator, ifVersion: 1},
					{type: 'close', threadId: ids[2], actor: world.operator, ifVersion: 3},
				],
				spec: {done: 'closed', what: 'close 2 threads'},
			},
		]);
		expect(state.running).toEqual({what: 'close 2 threads', done: 0, total: 2});
	});

	it('any other key than y closes nothing', () => {
		const {state, effects} = press(start(), world, 'space', 'c', 'n');
		expect(effects).toEqual([]);
		expect(state.notice?.text).toBe('not closed');
		expect(state.marked.size).toBe(1);
	});

	it('a single write while a bulk action runs is not sent, and says why', () => {
		const running = press(start(), world, '*', 'c', 'y').state;
		const {effects, state} = press(running, world, 'escape', 'p', 'enter');
		expect(effects).toEqual([]);
		expect(state.notice?.text).toMatch(/^not sent: close 5 threads is still under way \(0\/5\)/);
	});

	it('the summary counts what landed, what was already so, what was refused and why, and what was not sent', () => {
		const ok = (id: string, events = 1) => ({threadId: id, outcome: {kind: 'done' as const, waited: false, result: {ok: true as const, commandId: 'c', threadId: id, events: Array(events).fill({}), thread: undefined}}});
		const stale = {
			threadId: ids[2]!,
			outcome: {kind: 'done' as const, waited: false, result: {ok: false as const, commandId: 'c', rejection: {code: 'stale' as const, message: `thread ${ids[2]} changed since version 3: operator bob answered it (yes) 4s ago; read it again (now version 9) and decide again`}}},
		};
		const closed = {threadId: ids[3]!, outcome: {kind: 'done' as const, waited: false, result: {ok: false as const, commandId: 'c', rejection: {code: 'thread_closed' as const, message: `thread ${ids[3]} is closed`}}}};
		const locked = {threadId: ids[4]!, outcome: {kind: 'locked' as const, elapsedMs: 30_000, cancelled: false}};
		const summary = bulkSummary({done: 'closed', what: 'close 5 threads'}, [ok(ids[0]!), ok(ids[1]!, 0), stale, closed, locked] as never, world.thread);
		expect(summary.text).toBe('closed 1 · unchanged 1 (already so) · refused 2, still marked: T-2 stale (operator bob answered it (yes) 4s ago); T-3 is closed · not sent 1, still marked: the database stayed locked for 30s');
		expect(summary.tone).toBe('error');
		expect(summary.settled).toEqual([ids[0], ids[1]]);
	});

	it('after the writes, what landed is unmarked and what was refused stays marked', () => {
		const running = press(start(), world, 'space', 'space', 'c', 'y').state;
		const landed = {kind: 'done' as const, waited: false, result: {ok: true as const, commandId: 'c', threadId: ids[0]!, events: [{}], thread: undefined}};
		const refused = {kind: 'done' as const, waited: false, result: {ok: false as const, commandId: 'c', rejection: {code: 'thread_closed' as const, message: 'closed'}}};
		const {state} = update(running, {type: 'bulkWritten', spec: {done: 'closed', what: 'close 2 threads'}, results: [{threadId: ids[0]!, outcome: landed}, {threadId: ids[1]!, outcome: refused}]} as never, world);
		expect([...state.marked]).toEqual([ids[1]]);
		expect(state.running).toBeUndefined();
	});

	it('A, p and s open bulk prompts over the marked; in the thread view they act on the open thread', () => {
		const marked = press(start(), world, 'space', 'space').state;
		expect(press(marked, world, 'A').state.prompt).toMatchObject({kind: 'text', purpose: 'bulkAssign'});
		expect(press(marked, world, 'p').state.prompt).toMatchObject({kind: 'menu', purpose: 'bulkPriority', index: 1});
		expect(press(marked, world, 's').state.prompt).toMatchObject({kind: 'menu', purpose: 'bulkState', options: ['triaged', 'waiting_operator', 'waiting_human', 'closed']});
		const opened = press(marked, world, 'enter').state;
		expect(press(opened, world, 'c').state.prompt).toMatchObject({kind: 'confirm', purpose: 'close', threadId: opened.openId});
	});
});

describe('the summary of a thread that left the view', () => {
	it('a refused thread no longer shown is named, but not said to be still marked', () => {
		const stale = {threadId: ids[1]!, outcome: {kind: 'done' as const, waited: false, result: {ok: false as const, commandId: 'c', rejection: {code: 'stale' as const, message: `thread ${ids[1]} changed since version 2: operator bob answered it (ok) 1s ago; read it again (now version 9) and decide again`}}}};
		const summary = bulkSummary({done: 'closed', what: 'close 1 thread'}, [stale] as never, world.thread, () => false);
		expect(summary.text).toBe('closed 0 · refused 1: T-1 stale (operator bob answered it (ok) 1s ago)');
	});
});

describe('typing while a bulk action runs', () => {
	it('a bulk write that starts waiting for the lock leaves an answer being typed open', () => {
		const running = press(start(), world, 'space', 'c', 'y').state;
		const typing = update(press(running, world, 'a').state, {type: 'text', text: 'half an answer'}, world).state;
		const waited = update(typing, {type: 'waiting', what: 'close of T-0', elapsedMs: 300}, world).state;
		expect(waited.prompt).toMatchObject({kind: 'text', purpose: 'answer', value: 'half an answer'});
	});
});
