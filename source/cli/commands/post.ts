import type {CommandSpec} from '../command.js';
import {BODY_FLAGS, WRITE_FLAGS, bodyFlag, threadIdFlag} from '../flags.js';
import {runWrite} from '../write.js';

export const post: CommandSpec = {
	name: 'post',
	summary: 'add a post to a thread (an agent post on an answered thread reopens it as a follow-up)',
	usage: `metawsm forum post --thread-id ID (--body TEXT | --body-file FILE)

Example:
  metawsm forum post --thread-id t-8k2m4q9x1z --body "Production only."`,
	flags: {threadId: {type: 'string', description: 'thread (required)'}, ...BODY_FLAGS, ...WRITE_FLAGS},
	async run(context) {
		const threadId = threadIdFlag(context.flags);
		const body = bodyFlag(context.flags, () => context.readStdin());
		const actor = context.actor('agent');
		await runWrite(context, {type: 'post', threadId, body, actor}, ({threadId, events}) => {
			const followUp = events.some((event) => event.event_type === 'forum.state.changed');
			return `posted to ${threadId}${followUp ? ' (follow-up: now waiting_human)' : ''}`;
		});
		return 0;
	},
};
