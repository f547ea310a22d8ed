import type {AnswerCommand} from '../../forum/types.js';
import type {CommandSpec} from '../command.js';
import {BODY_FLAGS, WRITE_FLAGS, bodyFlag, stringFlag, threadIdFlag, usage} from '../flags.js';
import {runWrite} from '../write.js';

export const answer: CommandSpec = {
	name: 'answer',
	summary: 'answer a thread: records the decision the agent gets and moves it to answered',
	usage: `metawsm forum answer --thread-id ID [--choice N|LABEL | --approve | --deny] [--body TEXT | --body-file FILE] [--amend]

A text answer needs --body. With --choice (a choice question) or --approve/--deny (an approval
question) the body is an optional reason. Free text answers any question ("something else").
An answered thread takes a new answer only with --amend, which replaces the current decision
and keeps the old one in history. Pass --if-version N (from \`thread --json\`) to be refused if
someone else answered, closed, moved or reassigned the thread after you read it.

Examples:
  metawsm forum answer --thread-id t-8k2m4q9x1z --body "Yes, drop it in production."
  metawsm forum answer --thread-id t-8k2m4q9x1z --choice 2
  metawsm forum answer --thread-id t-8k2m4q9x1z --deny --body "Not before the audit."`,
	flags: {
		threadId: {type: 'string', description: 'thread (required)'},
		choice: {type: 'string', description: 'pick an option of a choice question: its number (1-based) or label'},
		approve: {type: 'boolean', description: 'approve an approval question'},
		deny: {type: 'boolean', description: 'deny an approval question'},
		amend: {type: 'boolean', description: 'replace the current answer (kept in history)'},
		...BODY_FLAGS,
		...WRITE_FLAGS,
	},
	async run(context) {
		const {flags} = context;
		const threadId = threadIdFlag(flags);
		const choice = stringFlag(flags, 'choice');
		const approve = flags['approve'] === true;
		const deny = flags['deny'] === true;
		if (approve && deny) throw usage('conflicting_flags', 'give either --approve or --deny, not both');
		if (choice !== undefined && (approve || deny)) throw usage('conflicting_flags', 'give either --choice or --approve/--deny, not both');
		if (choice !== undefined && choice.trim() === '') throw usage('invalid_flag', '--choice is empty; give the option number or label');
		const structured = choice !== undefined || approve || deny;
		const hasBody = stringFlag(flags, 'body') !== undefined || stringFlag(flags, 'bodyFile') !== undefined;
		if (!structured && !hasBody) {
			throw usage('missing_flag', '--body or --body-file is required for a text answer (or answer with --choice N, --approve or --deny)');
		}
		const body = hasBody ? bodyFlag(flags, () => context.readStdin()) : '';
		const command: AnswerCommand = {type: 'answer', threadId, body};
		if (choice !== undefined) command.choice = choice.trim();
		if (approve || deny) command.approved = approve;
		if (flags['amend'] === true) command.amend = true;
		const actor = context.actor('operator');
		await runWrite(context, {...command, actor}, ({threadId}) => {
			const verb = command.amend ? 'amended the answer of' : 'answered';
			const what = command.approved === true ? ' (approved)' : command.approved === false ? ' (denied)' : '';
			return `${verb} ${threadId}${what}`;
		});
		return 0;
	},
};
