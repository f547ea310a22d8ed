import type {CommandSpec} from '../command.js';
import {BODY_FLAGS, WRITE_FLAGS, bodyFlag, threadIdFlag} from '../flags.js';
import {runWrite} from '../write.js';

export const answer: CommandSpec = {
	name: 'answer',
	summary: 'answer a thread: adds the post and moves it to answered',
	usage: `metawsm forum answer --thread-id ID (--body TEXT | --body-file FILE)

Example:
  metawsm forum answer --thread-id t-8k2m4q9x1z --body "Yes, drop it in production."`,
	flags: {threadId: {type: 'string', description: 'thread (required)'}, ...BODY_FLAGS, ...WRITE_FLAGS},
	async run(context) {
		const threadId = threadIdFlag(context.flags);
		const body = bodyFlag(context.flags, () => context.readStdin());
		const actor = context.actor('operator');
		await runWrite(context, {type: 'answer', threadId, body, actor}, ({threadId}) => `answered ${threadId}`);
		return 0;
	},
};
