import type {CommandSpec} from '../command.js';
import {WRITE_FLAGS, threadIdFlag} from '../flags.js';
import {runWrite} from '../write.js';

export const close: CommandSpec = {
	name: 'close',
	summary: 'close a thread (final: a closed thread takes no further changes)',
	usage: `metawsm forum close --thread-id ID

Example:
  metawsm forum close --thread-id t-8k2m4q9x1z`,
	flags: {threadId: {type: 'string', description: 'thread (required)'}, ...WRITE_FLAGS},
	async run(context) {
		const threadId = threadIdFlag(context.flags);
		const actor = context.actor('operator');
		await runWrite(context, {type: 'close', threadId, actor}, ({threadId}) => `closed ${threadId}`);
		return 0;
	},
};
