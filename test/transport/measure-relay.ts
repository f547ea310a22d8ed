/**
 * Measurements (not assertions) for the Redis transport, against a private redis-server:
 *   node --import tsx test/transport/measure-relay.ts
 */
import {openConnection} from '../../source/transport/connection.js';
import {openRemoteForum} from '../../source/transport/remote-client.js';
import {startRelay} from '../../source/transport/relay.js';
import {startRedisServeParts} from '../../source/transport/serve.js';
import {askMany, eventually, tempForum, testKeyring, testPolicy} from './fixtures.js';
import {RedisServer} from './redis-server.js';
import {ForumService} from '../../source/service/forum-service.js';

const server = await RedisServer.start();
const results: string[] = [];
try {
	{
		const policy = testPolicy();
		const forum = tempForum(policy);
		askMany(forum.service, 10_000);
		const redis = openConnection(server.url, {name: 'measure'});
		const started = performance.now();
		const relay = startRelay(forum.service, {redis, url: server.url, policy, log: () => undefined});
		await relay.drained();
		const ms = performance.now() - started;
		results.push(`drain a 10k-event backlog: ${ms.toFixed(0)} ms (${Math.round(10_000 / (ms / 1000))} events/s)`);

		const live = 2000;
		const liveStart = performance.now();
		askMany(forum.service, live, 'live');
		await eventually(() => relay.status().lagEvents === 0, 60_000, 'live events');
		const liveMs = performance.now() - liveStart;
		results.push(`${live} asks dispatched one by one with the relay running, until all are in the stream: ${liveMs.toFixed(0)} ms (${Math.round(live / (liveMs / 1000))} events/s end to end)`);
		await relay.stop();
		redis.disconnect();

		const syncStart = performance.now();
		const client = await openRemoteForum({url: server.url, policy, signer: testKeyring(policy)});
		results.push(`remote view initial sync of ${await client.lastSequence()} events: ${(performance.now() - syncStart).toFixed(0)} ms`);
		await client.close();
		forum.cleanup();
	}
	{
		const policy = testPolicy();
		const forum = tempForum(policy);
		const serve = await startRedisServeParts(forum.service, {url: server.url, policy, log: () => undefined});
		const client = await openRemoteForum({url: server.url, policy, signer: testKeyring(policy)});
		const times: number[] = [];
		for (let index = 0; index < 200; index++) {
			const started = performance.now();
			const result = await client.dispatch({type: 'ask', ticket: 'B-1', agentName: 'bench', title: `q ${index}`, body: 'b', priority: 'normal', actor: {type: 'agent', name: 'bench'}});
			if (!result.ok) throw new Error('refused');
			times.push(performance.now() - started);
		}
		times.sort((a, b) => a - b);
		// Another process on the serving host asks (its own SQLite connection); the remote view sees it.
		const other = new ForumService({db: forum.file, policy});
		const latencies: number[] = [];
		for (let index = 0; index < 50; index++) {
			await new Promise((resolve) => setTimeout(resolve, 37));
			const started = performance.now();
			const seen = new Promise<void>((resolve) => {
				const stop = client.subscribe((events) => {
					if (!events.some((event) => event.event_type === 'forum.thread.opened' && event.payload.title === `seen-${index} 0`)) return;
					stop();
					resolve();
				});
			});
			askMany(other, 1, `seen-${index}`);
			await seen;
			latencies.push(performance.now() - started);
		}
		other.close();
		latencies.sort((a, b) => a - b);
		results.push(`thread asked by another local process -> seen by a remote view, 50 asks: p50 ${latencies[25]!.toFixed(0)} ms, max ${latencies[49]!.toFixed(0)} ms`);
		results.push(`remote write round trip (XADD command -> serve dispatch -> reply -> its event in the stream), 200 asks: p50 ${times[100]!.toFixed(1)} ms, p95 ${times[190]!.toFixed(1)} ms`);
		await client.close();
		await serve.stop();
		forum.cleanup();
	}
} finally {
	await server.stop();
}
console.log(results.join('\n'));
