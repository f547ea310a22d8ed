/** Query latency at scale: list (the open queue) and thread, on 10k open threads / 100k events. */
import {ForumService} from '../source/service/forum-service.js';
import {percentile, round, timeMs} from './stats.js';

export interface QueryResult {
	openThreads: number;
	list: {p50Ms: number; p95Ms: number};
	listLimit50: {p50Ms: number; p95Ms: number};
	/** What `metawsm forum list` asks for by default: the first 200 (+1 to know if more match). */
	listDefault: {p50Ms: number; p95Ms: number};
	thread: {p50Ms: number; p95Ms: number};
}

export function benchQueries(file: string, openThreads: string[], runs = 60): QueryResult {
	const service = new ForumService({db: file, pollMs: 1000});
	try {
		const states = ['new', 'triaged', 'waiting_operator', 'waiting_human', 'answered'] as const;
		const sample = (fn: (i: number) => void) => {
			const samples = Array.from({length: runs}, (_, i) => timeMs(() => fn(i)));
			return {p50Ms: round(percentile(samples, 50)), p95Ms: round(percentile(samples, 95))};
		};
		let open = 0;
		const list = sample(() => (open = service.listThreads({states}).length));
		const listLimit50 = sample(() => service.listThreads({states, limit: 50}));
		const listDefault = sample(() => service.listThreads({states, limit: 201}));
		const thread = sample((i) => {
			if (!service.getThread(openThreads[(i * 7919) % openThreads.length]!)) throw new Error('missing thread');
		});
		return {openThreads: open, list, listLimit50, listDefault, thread};
	} finally {
		service.close();
	}
}
