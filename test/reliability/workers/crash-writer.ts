/**
 * Crash-safety worker: dispatch the plan for (prefix, seed) through ForumService as fast as
 * possible until SIGKILLed. Prints "ready" once the database is open. Run bundled (see support.ts).
 * argv: DB PREFIX SEED
 */
import {ForumService} from '../../../source/service/forum-service.js';
import {commandPlan} from './plan.js';

const [db, prefix, seed] = process.argv.slice(2);
const service = new ForumService({db: db!});
process.stdout.write('ready\n', () => {
	// Synchronous from here on: the kill lands inside dispatch, never in an idle event loop.
	for (const command of commandPlan({prefix: prefix!, seed: Number(seed)})) service.dispatch(command);
});
