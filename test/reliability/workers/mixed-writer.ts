/**
 * Concurrency worker: dispatch COUNT commands of the plan for (prefix, seed) through its own
 * ForumService on a database other workers write at the same time. Every 10th command is sent
 * twice (a client retry). Prints one JSON line: what each command returned, and any error.
 * argv: DB PREFIX SEED COUNT SHARED_THREAD_IDS(comma-separated)
 */
import {ForumService} from '../../../source/service/forum-service.js';
import {commandPlan} from './plan.js';

const [db, prefix, seed, count, shared] = process.argv.slice(2);
const service = new ForumService({db: db!});
const outcomes: {commandId: string; ok: boolean; events: number[]; duplicateOk?: boolean}[] = [];
const errors: string[] = [];
const started = performance.now();
let dispatched = 0;
for (const command of commandPlan({prefix: prefix!, seed: Number(seed), sharedThreads: shared ? shared.split(',') : []})) {
	if (outcomes.length >= Number(count)) break;
	try {
		const result = service.dispatch(command);
		dispatched++;
		const outcome = {commandId: command.commandId, ok: result.ok, events: result.ok ? result.events.map((event) => event.sequence) : []};
		// Retry every 10th applied command; a refused one is not recorded and may apply later, so it is not retried.
		if (outcomes.length % 10 === 0 && result.ok && result.events.length > 0) {
			const retry = service.dispatch(command);
			dispatched++;
			// A retry of an applied command returns the same events and writes nothing.
			Object.assign(outcome, {duplicateOk: retry.ok && retry.duplicate && JSON.stringify(retry.events.map((e) => e.sequence)) === JSON.stringify(outcome.events)});
		}
		outcomes.push(outcome);
	} catch (error) {
		errors.push(`${command.commandId}: ${(error as Error).message}`);
		outcomes.push({commandId: command.commandId, ok: false, events: []});
	}
}
service.close();
process.stdout.write(`${JSON.stringify({prefix, ms: Math.round(performance.now() - started), dispatched, outcomes, errors})}\n`);
