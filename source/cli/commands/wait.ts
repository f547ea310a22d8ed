import type {CommandSpec} from '../command.js';
import {EXIT_DENIED, EXIT_TIMEOUT, waitAndReport} from '../decision.js';
import {threadIdFlag, timeoutFlag} from '../flags.js';

export const wait: CommandSpec = {
	name: 'wait',
	summary: 'wait for the decision on an existing thread (same output and exit codes as ask --wait)',
	usage: `metawsm forum wait --thread-id ID [--timeout S|DURATION] [--json]

Returns at once when the thread is already answered or closed. Prints the decision like
\`ask --wait\`: exit 0 answered (approved), ${EXIT_DENIED} not approved, ${EXIT_TIMEOUT} timed out (run it again),
3 closed without an answer. --timeout 0 (the default) waits without limit; shell tools that
time out after a few minutes should pass a shorter --timeout and loop on exit ${EXIT_TIMEOUT}.

Example:
  until metawsm forum wait --thread-id t-8k2m4q9x1z --timeout 240; [ $? -ne ${EXIT_TIMEOUT} ]; do :; done`,
	flags: {
		threadId: {type: 'string', description: 'thread (required)'},
		timeout: {type: 'string', description: `give up after S seconds or a duration (90s, 10m) (exit ${EXIT_TIMEOUT}); 0: no limit`},
	},
	async run(context) {
		const threadId = threadIdFlag(context.flags);
		const timeout = timeoutFlag(context.flags);
		const forum = await context.openForum();
		return waitAndReport(context, forum, threadId, timeout);
	},
};
