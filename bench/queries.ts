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
	/** The preview's "similar, answered" lookup (50 + 50 candidates, word-set Jaccard). */
	similar: {p50Ms: number; p95Ms: number};
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
		// Decided neighbours to compare with: every 4th thread answered (after the other measures, which they would change).
		const ops = {type: 'operator', name: 'ops'} as const;
		openThreads.forEach((id, i) => i % 4 === 1 && service.dispatch({type: 'answer', threadId: id, body: `Take option ${i % 3}.`, actor: ops}));
		const stillOpen = openThreads.filter((_, i) => i % 4 !== 1);
		let found = 0;
		const similar = sample((i) => (found += service.similarAnswer(stillOpen[(i * 7919) % stillOpen.length]!) ? 1 : 0));
		if (found === 0) throw new Error('the similar-answer bench found no similar thread: it measured nothing');
		return {openThreads: open, list, listLimit50, listDefault, thread, similar};
	} finally {
		service.close();
	}
}
