/** In-process dispatch throughput and latency on a database that already holds ~100k events. */
import {ForumService} from '../source/service/forum-service.js';
import {percentile, round, timeMs} from './stats.js';

export interface DispatchResult {
	existingEvents: number;
	perCommand: Record<'ask' | 'post' | 'answer', {count: number; perSecond: number; p50Ms: number; p99Ms: number; cpuPerSecond: number; cpuP99Ms: number}>;
}

export function benchDispatch(file: string, openThreads: string[], count = 2000, setUp?: (service: ForumService) => void): DispatchResult {
	const service = new ForumService({db: file, pollMs: 1000});
	setUp?.(service);
	const agent = {type: 'agent', name: 'bench'} as const;
	const ops = {type: 'operator', name: 'ops'} as const;
	try {
		const existingEvents = service.lastSequence();
		const measure = (run: (i: number) => void) => {
			// Wall time per command, and this process's CPU time per command: on a shared machine a
			// wall-time outlier with no CPU behind it is the scheduler or the disk, not dispatch.
			const samples: number[] = [];
			const cpu: number[] = [];
			const start = process.hrtime.bigint();
			const cpuStart = process.cpuUsage();
			for (let i = 0; i < count; i++) {
				const before = process.cpuUsage();
				samples.push(timeMs(() => run(i)));
				const used = process.cpuUsage(before);
				cpu.push((used.user + used.system) / 1000);
			}
			const seconds = Number(process.hrtime.bigint() - start) / 1e9;
			const cpuUsed = process.cpuUsage(cpuStart);
			const cpuSeconds = (cpuUsed.user + cpuUsed.system) / 1e6;
			return {
				count,
				perSecond: Math.round(count / seconds),
				p50Ms: round(percentile(samples, 50), 3),
				p99Ms: round(percentile(samples, 99), 3),
				cpuPerSecond: Math.round(count / cpuSeconds),
				cpuP99Ms: round(percentile(cpu, 99), 3),
			};
		};
		const check = (result: ReturnType<ForumService['dispatch']>) => {
			if (!result.ok) throw new Error(result.rejection.message);
		};
		const asked: string[] = [];
		const ask = measure((i) => {
			const result = service.dispatch({type: 'ask', ticket: 'BENCH', agentName: 'bench', title: `q${i}`, body: 'why?', priority: 'normal', actor: agent});
			check(result);
			if (result.ok) asked.push(result.threadId);
		});
		const post = measure((i) => check(service.dispatch({type: 'post', threadId: openThreads[i % openThreads.length]!, body: `more ${i}`, actor: agent})));
		const answer = measure((i) => check(service.dispatch({type: 'answer', threadId: asked[i]!, body: `yes ${i}`, actor: ops})));
		return {existingEvents, perCommand: {ask, post, answer}};
	} finally {
		service.close();
	}
}
