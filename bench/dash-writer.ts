/**
 * The other process in the dashboard benchmark: for each line on stdin (a title), ask a new
 * thread in the database given as argv[2] and print "<title> <epoch ms of the commit>".
 */
import readline from 'node:readline';
import {ForumService} from '../source/service/forum-service.js';
import {epochMs} from './proc.js';

const service = new ForumService({db: process.argv[2]!, pollMs: 1000});
let count = 0;
const lines = readline.createInterface({input: process.stdin});
lines.on('line', (title) => {
	const result = service.dispatch({
		type: 'ask',
		ticket: `D-${++count}`,
		agentName: 'writer',
		title,
		body: 'Measured by bench/dash.ts.',
		priority: 'urgent',
		actor: {type: 'agent', name: 'writer'},
	});
	if (!result.ok) throw new Error(result.rejection.message);
	process.stdout.write(`${title} ${epochMs()}\n`);
});
lines.on('close', () => service.close());
process.stdout.write('ready\n');
