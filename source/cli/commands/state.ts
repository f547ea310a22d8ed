import {ForumError} from '../../forum/errors.js';
import {THREAD_STATES} from '../../forum/types.js';
import type {CommandSpec} from '../command.js';
import {WRITE_FLAGS, stateFlag, threadIdFlag} from '../flags.js';
import {runWrite} from '../write.js';

export const state: CommandSpec = {
	name: 'state',
	summary: 'move a thread to another state (only moves the transition table allows)',
	usage: `metawsm forum state --thread-id ID --state STATE

States: ${THREAD_STATES.join(', ')}. A move to the current state changes nothing.
A thread becomes answered only through \`metawsm forum answer\`, which records the decision.

Example:
  metawsm forum state --thread-id t-8k2m4q9x1z --state waiting_human`,
	flags: {threadId: {type: 'string', description: 'thread (required)'}, state: {type: 'string', description: 'target state (required)'}, ...WRITE_FLAGS},
	async run(context) {
		const threadId = threadIdFlag(context.flags);
		const target = stateFlag(context.flags);
		if (!target) throw new ForumError('usage', 'missing_flag', `--state is required (${THREAD_STATES.join(', ')})`);
		if (target === 'answered') {
			throw new ForumError('refused', 'answer_required', `only an answer makes thread ${threadId} answered, so the agent gets a decision; use \`metawsm forum answer --thread-id ${threadId} --body TEXT\` (or --choice N, --approve, --deny)`);
		}
		const actor = context.actor('operator');
		await runWrite(context, {type: 'change_state', threadId, state: target, actor}, ({threadId}) => `${threadId} is now ${target}`);
		return 0;
	},
};
