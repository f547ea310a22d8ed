import type {CommandSpec} from '../command.js';
import {WRITE_FLAGS, priorityFlag, threadIdFlag} from '../flags.js';
import {runWrite} from '../write.js';

export const priority: CommandSpec = {
	name: 'priority',
	summary: 'change a thread’s priority',
	usage: `metawsm forum priority --thread-id ID --priority low|normal|high|urgent

Example:
  metawsm forum priority --thread-id t-8k2m4q9x1z --priority urgent`,
	flags: {threadId: {type: 'string', description: 'thread (required)'}, priority: {type: 'string', description: 'new priority (required)'}, ...WRITE_FLAGS},
	async run(context) {
		const threadId = threadIdFlag(context.flags);
		const target = priorityFlag(context.flags);
		const actor = context.actor('operator');
		await runWrite(context, {type: 'change_priority', threadId, priority: target, actor}, ({threadId}) => `${threadId} priority is now ${target}`);
		return 0;
	},
};
