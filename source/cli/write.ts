/** Shared path of every write subcommand: dispatch, refusal to exit code, output. */
import {rejectionError} from '../forum/errors.js';
import type {Rejection, StoredEvent} from '../forum/types.js';
import type {CommandInput} from '../service/forum-service.js';
import {threadJson} from '../service/json.js';
import {safeLine} from '../text/safe-text.js';
import type {Context} from './context.js';
import {integerFlag, stringFlag, usage} from './flags.js';
import {checkId} from '../forum/validate.js';

export function commandIdFlag(context: Context): string | undefined {
	const id = stringFlag(context.flags, 'commandId');
	if (id === undefined) return undefined;
	const bad = checkId('--command-id', id);
	if (bad) throw usage('invalid_flag', bad.message);
	return id;
}

/** The rule says what is wrong; the CLI adds the flag or command that does what was meant. */
function withFlagHint(rejection: Rejection, input: CommandInput): string {
	const thread = 'threadId' in input && input.threadId ? input.threadId : 'ID';
	switch (rejection.code) {
		case 'already_answered':
			return `${rejection.message} (pass --amend)`;
		case 'nothing_to_amend':
			return `${rejection.message} (drop --amend)`;
		case 'stale':
			return `${rejection.message}: \`metawsm forum thread --thread-id ${thread}\`, then retry with the new --if-version`;
		case 'command_id_conflict':
			return `${rejection.message} (another --command-id)`;
		default:
			return rejection.message;
	}
}

export interface WriteOutcome {
	threadId: string;
	events: StoredEvent[];
	duplicate: boolean;
}

/** Dispatch `input`; refusals become ForumErrors (exit 2 or 3). Prints `summary` or JSON unless `quiet`. */
export async function runWrite(
	context: Context,
	input: CommandInput,
	summary: (outcome: WriteOutcome) => string,
	options: {quiet?: boolean} = {},
): Promise<WriteOutcome> {
	const forum = await context.openForum();
	const ifVersion = input.type === 'ask' ? undefined : integerFlag(context.flags, 'ifVersion');
	const result = await forum.dispatch({...input, commandId: commandIdFlag(context), ...(ifVersion !== undefined ? {ifVersion} : {})});
	if (!result.ok) throw rejectionError({...result.rejection, message: withFlagHint(result.rejection, input)});
	const outcome = {threadId: result.threadId, events: result.events, duplicate: result.duplicate};
	if (options.quiet) return outcome;
	if (context.json) {
		context.printJson({
			ok: true,
			command_id: result.commandId,
			thread_id: result.threadId,
			duplicate: result.duplicate,
			events: result.events,
			thread: result.thread ? threadJson(result.thread, forum.now(), forum.sla) : null,
		});
	} else {
		context.print(summary(outcome));
		// Notes go to stderr so scripts capturing stdout (e.g. the id from ask) get clean output.
		if (result.duplicate) context.stderr.write(`note: command ${safeLine(result.commandId)} was already applied; nothing written\n`);
		else if (result.events.length === 0) context.stderr.write('note: no change; nothing written\n');
	}
	return outcome;
}
