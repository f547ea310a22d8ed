import path from 'node:path';
import {describeResult, docsRoot, startDocsSync, syncDocsOnce, type DocsSyncResult} from '../../consumers/docs-sync.js';
import type {CommandSpec} from '../command.js';
import type {Context} from '../context.js';
import {stringFlag, usage} from '../flags.js';

export const docsSync: CommandSpec = {
	name: 'docs-sync',
	summary: 'append answered and closed threads to their ticket documents (once each)',
	usage: `metawsm forum docs-sync [--follow] [--root DIR]

Consumes forum.integration.docs_sync.requested events after its checkpoint and writes one
section per thread into <root>/<ticket>.md (root: forum.docs_sync.root, default
docs/tickets). Prints one line per event on stdout (NDJSON with --json). Safe to run twice
or alongside \`serve\`: a section is never duplicated. Tickets whose names would leave the
root (../, /, \\, NUL, leading dot) are refused on stderr and skipped.

Example:
  metawsm forum docs-sync && cat docs/tickets/OPS-7.md`,
	flags: {
		follow: {type: 'boolean', description: 'keep consuming new events until interrupted'},
		root: {type: 'string', description: 'docs root (default: policy forum.docs_sync.root)'},
	},
	async run(context) {
		const root = stringFlag(context.flags, 'root');
		if (root !== undefined && root.trim() === '') throw usage('invalid_flag', '--root is empty; give a directory');
		const service = context.openService();
		try {
			const policy = service.policy;
			if (!policy.forum.docs_sync.enabled) {
				context.stderr.write('metawsm forum docs-sync: off (forum.docs_sync.enabled is false in the policy); nothing written\n');
				return 0;
			}
			const print = (result: DocsSyncResult) => printResult(context, result);
			if (context.flags['follow'] !== true) {
				const results = syncDocsOnce(service, {policy, root, onResult: print});
				if (!context.json && results.length === 0) {
					context.print(`docs-sync: nothing new (docs root ${path.relative(process.cwd(), docsRoot({policy, root})) || '.'})`);
				}
				return 0;
			}
			const stop = await startDocsSync(service, {
				policy,
				root,
				follow: true,
				onResult: print,
				log: (line) => context.stderr.write(`${line}\n`),
			});
			await new Promise<void>((resolve) => {
				if (context.signal.aborted) resolve();
				context.signal.addEventListener('abort', () => resolve(), {once: true});
			});
			await stop();
			return 0;
		} finally {
			service.close();
		}
	},
};

function printResult(context: Context, result: DocsSyncResult): void {
	if (context.json) {
		const {kind, sequence, threadId, ticket} = result;
		context.printJson({
			result: kind,
			sequence,
			thread_id: threadId,
			ticket,
			...(result.kind === 'refused' ? {reason: result.reason} : {file: result.file}),
			...(result.kind === 'written' ? {action: result.action, trigger: result.trigger} : {}),
		});
		return;
	}
	// A refusal is an error about the data: stderr, so stdout lists only what was written.
	if (result.kind === 'refused') context.stderr.write(`metawsm forum ${describeResult(result)}\n`);
	else context.print(describeResult(result));
}
