/**
 * The outbox relay against a real redis-server on a free loopback port: events/s published
 * from a 10k backlog, and time to drain a 10k backlog after an outage (Redis killed, events
 * committed meanwhile, Redis restarted).
 */
import path from 'node:path';
import {defaultPolicy, type Policy} from '../source/policy/policy.js';
import {ForumService} from '../source/service/forum-service.js';
import {openConnection, streamKeys, topSequence, whenReady} from '../source/transport/connection.js';
import {startRelay} from '../source/transport/relay.js';
import {available, epochMs} from './proc.js';
import {RedisServer} from '../test/helpers/redis-server.js';
import {median, round, spread, verdict} from './stats.js';

type Row = [string, string, string, string];

const BACKLOG = 10_000;
const RUNS = 3;
const OUTAGE_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Commit `count` asks (one event each) in batches; returns the last sequence. */
function commit(service: ForumService, count: number, tag: string): number {
	const batch = (from: number, to: number) =>
		service.batch(() => {
			for (let i = from; i < to; i++) {
				const result = service.dispatch({type: 'ask', ticket: `R-${i % 100}`, agentName: 'relay-bench', title: `${tag} ${i}`, body: 'Relay benchmark.', priority: 'normal', actor: {type: 'agent', name: 'relay-bench'}});
				if (!result.ok) throw new Error(result.rejection.message);
			}
		});
	for (let from = 0; from < count; from += 500) batch(from, Math.min(count, from + 500));
	return service.lastSequence();
}

export async function run(dir: string): Promise<{results: unknown; rows: Row[]}> {
	if (!available('redis-server')) {
		console.warn('skipping the relay benchmark: redis-server is not installed');
		return {results: {skipped: 'redis-server is not installed'}, rows: [['relay', 'skipped: no redis-server', '', '']]};
	}
	const server = await RedisServer.start();
	const base = defaultPolicy();
	const policy: Policy = {...base, forum: {...base.forum, redis: {...base.forum.redis, url: server.url}}};
	const key = streamKeys(policy).events;
	const service = new ForumService({db: path.join(dir, 'relay.db'), policy, pollMs: 50});
	const redis = openConnection(server.url, {name: 'bench-relay'});
	const log = () => undefined;
	try {
		await whenReady(redis, server.url, 5000);
		const published = async (last: number) => {
			const top = await topSequence(redis, key);
			if (top !== last) throw new Error(`the stream ends at #${top}, expected #${last}`);
		};

		// Events/s: a relay started on a 10k backlog, Redis up.
		const rates: number[] = [];
		for (let runIndex = 0; runIndex < RUNS; runIndex++) {
			const last = commit(service, BACKLOG, `backlog-${runIndex}`);
			const start = epochMs();
			const relay = startRelay(service, {redis, url: server.url, policy, log});
			await relay.drained();
			const seconds = (epochMs() - start) / 1000;
			await relay.stop();
			await published(last);
			rates.push(BACKLOG / seconds);
		}

		// Outage: the relay runs; Redis saves and dies; 10k events are committed; Redis comes back.
		const totals: number[] = [];
		const reconnects: number[] = [];
		const drains: number[] = [];
		const firsts: number[] = [];
		for (let runIndex = 0; runIndex < RUNS; runIndex++) {
			const relay = startRelay(service, {redis, url: server.url, policy, log});
			try {
				await relay.drained();
				await redis.call('SAVE');
				await server.kill();
				const last = commit(service, BACKLOG, `outage-${runIndex}`);
				await sleep(OUTAGE_MS);
				if (relay.status().lagEvents < BACKLOG) throw new Error('the relay published during the outage');
				let readyAt = 0;
				const ready = new Promise<void>((resolve) => redis.once('ready', () => ((readyAt = epochMs()), resolve())));
				const before = relay.status().cursor;
				await server.resume();
				const backAt = epochMs();
				// The first page of the backlog in Redis: the relay's cursor moves past the outage's first event.
				const firstPublished = (async () => {
					while (relay.status().cursor <= before) await sleep(2);
					return epochMs();
				})();
				await ready;
				firsts.push((await firstPublished) - backAt);
				await relay.drained();
				const doneAt = epochMs();
				await published(last);
				totals.push(doneAt - backAt);
				reconnects.push(readyAt - backAt);
				drains.push(doneAt - readyAt);
			} finally {
				await relay.stop();
			}
		}

		const ms = (samples: number[]) => ({medianMs: round(median(samples), 1), minMs: round(spread(samples).min, 1), maxMs: round(spread(samples).max, 1)});
		const results = {
			backlog: BACKLOG,
			runs: RUNS,
			publishedPerSecond: {median: Math.round(median(rates)), min: Math.round(spread(rates).min), max: Math.round(spread(rates).max)},
			outageMs: OUTAGE_MS,
			afterOutage: {redisBackToFirstPublished: ms(firsts), redisBackToDrained: ms(totals), redisBackToReconnected: ms(reconnects), reconnectedToDrained: ms(drains)},
		};
		const after = results.afterOutage;
		const rows: Row[] = [
			[
				`relay: Redis back → first event published (median of ${RUNS}, ${OUTAGE_MS / 1000} s outage)`,
				`${after.redisBackToFirstPublished.medianMs} ms (${after.redisBackToFirstPublished.minMs}–${after.redisBackToFirstPublished.maxMs})`,
				'≤ 300 ms',
				verdict(after.redisBackToFirstPublished.medianMs <= 300),
			],
			[`relay events/s, ${BACKLOG} backlog (median of ${RUNS})`, `${results.publishedPerSecond.median}/s (${results.publishedPerSecond.min}–${results.publishedPerSecond.max})`, 'report', ''],
			[
				`relay drain of ${BACKLOG} after a ${OUTAGE_MS / 1000} s outage`,
				`${after.redisBackToDrained.medianMs} ms (${after.redisBackToDrained.minMs}–${after.redisBackToDrained.maxMs}): reconnect ${after.redisBackToReconnected.medianMs} + drain ${after.reconnectedToDrained.medianMs}`,
				'≤ 1 s',
				verdict(after.redisBackToDrained.medianMs <= 1000),
			],
		];
		return {results, rows};
	} finally {
		redis.disconnect();
		service.close();
		await server.stop();
	}
}
