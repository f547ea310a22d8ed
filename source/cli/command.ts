/** The shape of a subcommand: its flags, help, and what it does. One file per subcommand. */
import type {Context} from './context.js';
import type {Flags} from './flags.js';

export type FlagSpec = {
	type: 'string' | 'boolean';
	/** Short description for --help. */
	description: string;
	shortFlag?: string;
	/** Values may repeat (string flags only). */
	isMultiple?: boolean;
	/** Value when the flag is absent; a boolean defaulting to true is turned off with --no-NAME. */
	default?: boolean;
};

export interface CommandSpec {
	name: string;
	/** One line for `metawsm forum --help`. */
	summary: string;
	/** Usage and examples, shown by `metawsm forum NAME --help`; a function when help depends on the flags or env (dash reads its config). */
	usage: string | ((input: {flags: Flags; env: NodeJS.ProcessEnv}) => string);
	/** Flags besides the common ones (--db, --json, --policy, --redis, --remote, --help). */
	flags: Record<string, FlagSpec>;
	/** The flag a lone positional argument fills (`backup FILE`); others take none. */
	positional?: string;
	/** Run; returns the exit code. Throw ForumError for failures. */
	run(context: Context): Promise<number>;
}

/** What `metawsm` takes before `forum`: for help, "did you mean" and completion. */
export const TOP_COMMANDS: readonly {name: string; summary: string}[] = [
	{name: 'forum', summary: 'question threads for coding agents'},
	{name: 'help', summary: 'help for a command'},
	{name: 'completion', summary: 'print a shell completion script (bash, zsh, fish)'},
];
