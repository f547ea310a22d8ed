import {startDocsSync} from '../../consumers/docs-sync.js';
import {startSlaScheduler} from '../../consumers/sla-scheduler.js';
import {localClient} from '../../service/client.js';
import type {CommandSpec} from '../command.js';
import {integerFlag} from '../flags.js';

export const serve: CommandSpec = {
	name: 'serve',
	summary: 'run the background work: SLA escalations, docs-sync, and with Redis the relay and remote commands',
	usage: `metawsm forum serve [--redis URL] [--sla-interval S]

Runs until SIGINT/SIGTERM. Logs one line per notable thing to stderr. Several may run
at once on one database: escalations and docs-sync sections are never duplicated.

Example:
  METAWSM_REDIS_URL=redis://127.0.0.1:6379 metawsm forum serve`,
	flags: {slaInterval: {type: 'string', description: 'seconds between SLA checks (default 5)'}},
	async run(context) {
		const intervalSeconds = integerFlag(context.flags, 'slaInterval', {min: 1}) ?? 5;
		const redisUrl = context.redisUrl();
		const service = context.openService();
		const forum = localClient(service);
		const log = (line: string) => context.stderr.write(`${new Date().toISOString()} ${line}\n`);
		const stops: (() => void | Promise<void>)[] = [];
		try {
			stops.push(
				startSlaScheduler(forum, {
					intervalMs: intervalSeconds * 1000,
					onEscalated: (threadId) => log(`sla: escalation requested for ${threadId}`),
					onError: (error) => log(`sla: ${(error as Error).message}`),
				}),
			);
			stops.push(await startDocsSync(service, {policy: service.policy, log, follow: true}));
			if (redisUrl) {
				const {startRedisServe} = await import('../../transport/serve.js');
				stops.push(await startRedisServe(service, {url: redisUrl, policy: service.policy, log}));
			}
			log(`serve: running on ${service.file}${redisUrl ? ' with Redis' : ' (Redis off)'}`);
			await new Promise<void>((resolve) => {
				if (context.signal.aborted) resolve();
				context.signal.addEventListener('abort', () => resolve(), {once: true});
			});
			log('serve: stopping');
			return 0;
		} finally {
			for (const stop of stops.reverse()) await stop();
			service.close();
		}
	},
};
