/** A writer beside a rebuild: dispatches an ask every ~10 ms until stdin closes, then prints each dispatch's ms as JSON. */
import {ForumService} from '../source/service/forum-service.js';

const service = new ForumService({db: process.argv[2]!});
const waits: number[] = [];
let running = true;
process.stdin.on('end', () => (running = false)).resume();
console.log('ready');
let i = 0;
while (running) {
	const started = performance.now();
	const result = service.dispatch({type: 'ask', ticket: 'RW-1', agentName: 'writer', title: `during the rebuild ${i++}`, body: 'b', priority: 'normal', actor: {type: 'agent', name: 'writer'}});
	if (!result.ok) throw new Error(result.rejection.message);
	waits.push(performance.now() - started);
	await new Promise((resolve) => setTimeout(resolve, 10));
}
service.close();
console.log(JSON.stringify(waits));
