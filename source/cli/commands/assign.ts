import type {CommandSpec} from '../command.js';
import {WRITE_FLAGS, actorTypeFlag, requiredFlag, stringFlag, threadIdFlag} from '../flags.js';
import {runWrite} from '../write.js';
import {safeLine} from '../../text/safe-text.js';

export const assign: CommandSpec = {
	name: 'assign',
	summary: 'assign a thread to someone',
	usage: `metawsm forum assign --thread-id ID --assignee NAME [--assignee-type TYPE] [--note TEXT]

Example:
  metawsm forum assign --thread-id t-8k2m4q9x1z --assignee alice --assignee-type human --note "DB owner"`,
	flags: {
		threadId: {type: 'string', description: 'thread (required)'},
		assignee: {type: 'string', description: 'who takes it (required)'},
		assigneeType: {type: 'string', description: 'agent | operator | human | system (default operator)'},
		note: {type: 'string', description: 'why'},
		...WRITE_FLAGS,
	},
	async run(context) {
		const threadId = threadIdFlag(context.flags);
		const name = requiredFlag(context.flags, 'assignee', 'name who takes the thread').trim();
		const type = actorTypeFlag(context.flags, 'assigneeType', 'operator');
		const note = stringFlag(context.flags, 'note') ?? '';
		const actor = context.actor('operator');
		await runWrite(
			context,
			{type: 'assign', threadId, assignee: {type, name}, note, actor},
			({threadId}) => `assigned ${threadId} to ${type}:${safeLine(name)}`,
		);
		return 0;
	},
};
