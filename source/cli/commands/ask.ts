import {ForumError} from '../../forum/errors.js';
import type {Question} from '../../forum/types.js';
import {MAX_CHOICES} from '../../forum/types.js';
import {checkLine, LIMITS} from '../../forum/validate.js';
import type {CommandSpec} from '../command.js';
import {EXIT_DENIED, EXIT_TIMEOUT, waitAndReport} from '../decision.js';
import {BODY_FLAGS, WRITE_FLAGS, bodyFlag, integerFlag, priorityFlag, requiredFlag, stringFlag, timeoutFlag, usage, type Flags} from '../flags.js';
import {agentPaneFromEnv} from '../../tmux/pane.js';
import {runWrite} from '../write.js';

export const ask: CommandSpec = {
	name: 'ask',
	summary: 'open a question thread (agents): free text, --choice options or --approval; --wait blocks for the decision',
	usage: `metawsm forum ask --ticket T --title TEXT (--body TEXT | --body-file FILE) [--priority P]
    [--choice TEXT ... [--recommend N] | --approval] [--wait [--timeout S|DURATION]]

Prints the new thread id. Run inside tmux, it records the agent's pane ($TMUX_PANE) with the
question, for the dashboard's t (show the pane) and T (jump to it). With --wait, blocks until the thread is answered and prints the
decision (the thread id goes to stderr): the chosen label, or approved/denied, then the body.
Exit codes with --wait: 0 answered (for --approval: approved); ${EXIT_DENIED} not approved (denied, or
answered in words); ${EXIT_TIMEOUT} timed out (the message names the \`metawsm forum wait\` command to
run next); 3 closed without an answer. --timeout 0 (the default) waits without limit.

Examples:
  metawsm forum ask --ticket OPS-7 --agent builder --title "May I drop legacy_users?" \\
    --body "No reads for 90 days." --approval --priority high --wait --timeout 300
  metawsm forum ask --ticket WEB-2 --title "Which icon set?" --body "For the toolbar." \\
    --choice Lucide --choice Heroicons --recommend 1 --wait`,
	flags: {
		ticket: {type: 'string', description: 'ticket the question belongs to (required)'},
		runId: {type: 'string', description: 'metawsm run id'},
		agent: {type: 'string', description: 'agent name; also the author of the question unless --actor-name is given (default: the actor name)'},
		title: {type: 'string', description: 'one-line question (required)'},
		priority: {type: 'string', description: 'low | normal | high | urgent (default normal)'},
		threadId: {type: 'string', description: 'choose the thread id (default: generated)'},
		choice: {type: 'string', isMultiple: true, description: `an option the operator picks with one key (repeat, 2 to ${MAX_CHOICES})`},
		recommend: {type: 'string', description: 'with --choice: the option you recommend (1-based)'},
		approval: {type: 'boolean', description: 'a yes/no permission question (answered with approve or deny)'},
		wait: {type: 'boolean', description: 'block until the thread is answered or closed'},
		timeout: {type: 'string', description: `with --wait: give up after S seconds (exit ${EXIT_TIMEOUT}); 0: no limit`},
		...BODY_FLAGS,
		...WRITE_FLAGS,
	},
	async run(context) {
		const {flags} = context;
		const ticket = requiredFlag(flags, 'ticket', 'name the ticket the question is about');
		const title = requiredFlag(flags, 'title', 'give the question in one line');
		const timeout = timeoutFlag(flags);
		if (timeout !== undefined && flags['wait'] !== true) throw new ForumError('usage', 'invalid_flag', '--timeout only applies with --wait');
		if (stringFlag(flags, 'ifVersion') !== undefined) throw usage('invalid_flag', '--if-version applies to writes on an existing thread, not to ask');
		const question = questionFlags(flags);
		const body = bodyFlag(flags, () => context.readStdin());
		const priority = priorityFlag(flags, 'normal');
		const named = stringFlag(flags, 'agent')?.trim();
		const asked = context.actor('agent');
		// The agent asks as itself: without --actor-name an agent's posts carry its --agent name, not the OS user.
		// The author is --actor-name, else METAWSM_ACTOR_NAME (an identity, e.g. a signing key's),
		// else the --agent name, never the OS user beside it. A bad --agent is refused as the agent name it is.
		const explicit = stringFlag(flags, 'actorName') !== undefined || (context.env['METAWSM_ACTOR_NAME'] ?? '').trim() !== '';
		const asAuthor = named !== undefined && asked.type === 'agent' && !explicit && !checkLine('--agent', named, LIMITS.nameChars);
		const actor = asAuthor ? {type: asked.type, name: named} : asked;
		const agentName = named ?? actor.name;
		const threadId = stringFlag(flags, 'threadId')?.trim();
		const wait = flags['wait'] === true;
		// Inside tmux: where the agent runs, so the operator can see its pane beside the question.
		const agentPane = await agentPaneFromEnv(context.env);
		const outcome = await runWrite(
			context,
			{type: 'ask', ticket, runId: stringFlag(flags, 'runId'), agentName, title, body, priority, threadId, question, agentPane, actor},
			({threadId}) => threadId,
			{quiet: wait},
		);
		if (!wait) return 0;
		if (!context.json) context.stderr.write(`metawsm forum ask: thread ${outcome.threadId} ${outcome.duplicate ? 'was already opened by this command id' : 'opened'}; waiting for an answer\n`);
		context.setTitle(`metawsm forum ask --wait ${outcome.threadId}`);
		const forum = await context.openForum();
		return waitAndReport(context, forum, outcome.threadId, timeout);
	},
};

/** The question's kind from --choice/--recommend/--approval; the rules check the options themselves. */
function questionFlags(flags: Flags): Question {
	const raw = flags['choice'];
	const choices = raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).map(String);
	const recommend = integerFlag(flags, 'recommend', {min: 1, max: MAX_CHOICES});
	const approval = flags['approval'] === true;
	if (approval && choices.length > 0) throw usage('conflicting_flags', 'give either --choice options or --approval, not both');
	if (recommend !== undefined && choices.length === 0) throw usage('invalid_flag', '--recommend needs --choice options');
	if (approval) return {kind: 'approval'};
	if (choices.length === 0) return {kind: 'text'};
	if (choices.length === 1) throw usage('invalid_flag', 'a choice question needs at least two --choice options');
	if (choices.length > MAX_CHOICES) throw usage('invalid_flag', `at most ${MAX_CHOICES} --choice options (one key each), got ${choices.length}`);
	if (recommend !== undefined && recommend > choices.length) throw usage('invalid_flag', `--recommend ${recommend} is past the last of ${choices.length} choices`);
	return {kind: 'choice', choices: choices.map((choice) => choice.trim()), recommended: recommend ?? null};
}
