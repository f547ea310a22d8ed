/** A FrameInput for pure frame tests: a queue of threads at a fixed time, nothing open. */
import type {FrameInput} from '../../source/dash/frame.js';
import {buildQueue} from '../../source/dash/queue-model.js';
import type {Thread} from '../../source/forum/types.js';
import {makeThread, T0} from '../helpers/threads.js';

export const SLA = {escalationMinutes: 30};
export const NOW = '2026-11-25T12:40:00.000Z';

export function threadsOf(n: number, overrides: (i: number) => Partial<Thread> = () => ({})): Thread[] {
	return Array.from({length: n}, (_, i) =>
		makeThread({id: `t-${String(i).padStart(5, '0')}`, ticket: `T-${i}`, title: `question ${i}`, updatedAt: T0, lastSequence: i + 1, ...overrides(i)}),
	);
}

export function frameInput(list: Thread[], size: {columns: number; rows: number}, extra: Partial<FrameInput> = {}): FrameInput {
	const queue = buildQueue({threads: list, seen: new Map(), me: 'ops', now: NOW, sla: SLA, filter: ''});
	return {
		...size,
		queue,
		sectionIndex: 0,
		selectedId: queue.sections.needs_human[0]?.thread.id,
		top: 0,
		view: 'queue',
		detail: undefined,
		detailScroll: 0,
		help: false,
		prompt: undefined,
		filter: '',
		notice: undefined,
		feedError: undefined,
		source: {kind: 'sqlite', location: '.metawsm/metawsm.db'},
		lastSequence: list.length,
		operator: 'ops',
		now: NOW,
		sla: SLA,
		threadOf: (id) => list.find((t) => t.id === id),
		...extra,
	};
}
