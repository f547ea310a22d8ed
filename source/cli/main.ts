/** `metawsm` entry: route `forum SUBCOMMAND`, parse flags with meow, map failures to exit codes. */
import meow from 'meow';
import {ForumError} from '../forum/errors.js';
import {TOP_COMMANDS, type CommandSpec, type FlagSpec} from './command.js';
import {COMMANDS} from './commands/index.js';
import {Context, type Output} from './context.js';
import {COMMON_FLAGS, kebab, type Flags} from './flags.js';
import {closest, didYouMean} from './suggest.js';
import {safeJson, safeLine} from '../text/safe-text.js';

export const VERSION = '0.1.0';

export interface RunOptions {
	argv: string[];
	env?: NodeJS.ProcessEnv;
	stdout?: Output;
	stderr?: Output;
	readStdin?: () => Buffer;
	signal?: AbortSignal;
	/** Set the process title; bin.ts sets process.title (meow sets it to `metawsm` on every parse). */
	setTitle?: (title: string) => void;
	/** Standard output is a terminal (for colour). */
	stdoutIsTTY?: boolean;
}

function topHelp(): string {
	const width = Math.max(...COMMANDS.map((command) => command.name.length));
	return `metawsm forum — question threads for coding agents, triaged by operators

Usage: metawsm forum <command> [flags]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Common flags:
${flagHelp(COMMON_FLAGS)}

Also: metawsm help [command] · metawsm completion bash|zsh|fish · metawsm --version
Exit codes: 0 ok · 1 runtime failure · 2 bad usage or input · 3 refused by a forum rule or unknown thread
Run \`metawsm forum help <command>\` (or \`metawsm forum <command> --help\`) for a command's flags and examples.`;
}

const COMPLETION_HELP = `Print a shell completion script for metawsm's commands and flags.

Usage: metawsm completion bash|zsh|fish

Install:
  bash  metawsm completion bash > ~/.local/share/bash-completion/completions/metawsm
  zsh   metawsm completion zsh > "\${fpath[1]}/_metawsm"    (then restart zsh)
  fish  metawsm completion fish > ~/.config/fish/completions/metawsm.fish`;

function flagHelp(flags: Record<string, FlagSpec>): string {
	const entries = Object.entries(flags).map(([name, spec]) => [`--${kebab(name)}${spec.type === 'string' ? ' VALUE' : ''}`, spec.description] as const);
	const width = Math.max(...entries.map(([flag]) => flag.length));
	return entries.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`).join('\n');
}

function commandHelp(command: CommandSpec, flags: Flags, env: NodeJS.ProcessEnv): string {
	return `${command.summary}

Usage: ${typeof command.usage === 'string' ? command.usage : command.usage({flags, env})}

Flags:
${flagHelp(command.flags)}

Common flags:
${flagHelp(COMMON_FLAGS)}`;
}

function parseFlags(command: CommandSpec, argv: string[]): {flags: Flags; input: string[]} {
	const specs = {...COMMON_FLAGS, ...command.flags};
	// yargs reads a lone "-" as an argument; after a value flag it means standard input.
	const stringFlags = new Set(Object.entries(specs).filter(([, spec]) => spec.type === 'string').map(([name]) => `--${kebab(name)}`));
	const joined = argv.flatMap((arg, index) => (arg === '-' && stringFlags.has(argv[index - 1] ?? '') ? [] : stringFlags.has(arg) && argv[index + 1] === '-' ? [`${arg}=-`] : [arg]));
	const cli = meow({
		argv: joined,
		importMeta: import.meta,
		pkg: {name: 'metawsm', version: VERSION},
		description: false,
		autoHelp: false,
		autoVersion: false,
		allowUnknownFlags: true,
		// A boolean flag not given is absent, not false: `dash` tells --no-bell from no flag (the config decides).
		booleanDefault: undefined,
		flags: specs as Parameters<typeof meow>[0] extends infer T ? (T extends {flags?: infer F} ? F : never) : never,
	});
	const known = new Set(Object.keys(specs));
	for (const spec of Object.values(specs)) if (spec.shortFlag) known.add(spec.shortFlag);
	const unknown = Object.keys(cli.unnormalizedFlags).filter((key) => !known.has(key) && !known.has(key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())));
	if (unknown.length > 0) {
		const flag = unknown[0]!.length === 1 ? `-${unknown[0]}` : `--${kebab(unknown[0]!)}`;
		const names = Object.keys(specs).map((name) => `--${kebab(name)}`);
		const near = flag.startsWith('--') ? closest(flag, names) : undefined;
		const see = `\`metawsm forum ${command.name} --help\``;
		throw new ForumError('usage', 'unknown_flag', `unknown flag ${flag}${near ? `; did you mean ${near}? See ${see}` : `; see ${see}`}`);
	}
	for (const [name, spec] of Object.entries(specs)) {
		const value = (cli.flags as Flags)[name];
		if (Array.isArray(value) && !spec.isMultiple) throw new ForumError('usage', 'repeated_flag', `--${kebab(name)} was given more than once`);
		if (spec.type === 'string' && typeof value === 'boolean') throw new ForumError('usage', 'invalid_flag', `--${kebab(name)} takes a value`);
	}
	return {flags: cli.flags as Flags, input: cli.input};
}

const defaultOut: Output = {write: (text) => void process.stdout.write(text)};
const defaultErr: Output = {write: (text) => void process.stderr.write(text)};

const FORUM_NAMES = COMMANDS.map((command) => command.name);
const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];
const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h';
const isVersion = (arg: string | undefined) => arg === '--version' || arg === '-v';

/** Run the CLI; resolves to the exit code. Never throws. */
export async function run(options: RunOptions): Promise<number> {
	const stdout = options.stdout ?? defaultOut;
	const stderr = options.stderr ?? defaultErr;
	const env = options.env ?? process.env;
	const signal = options.signal ?? new AbortController().signal;
	const [group, name, ...rest] = options.argv;
	const json = options.argv.includes('--json');
	const early = (message: string, code = 'usage'): number => {
		stderr.write(json ? `${safeJson({error: {code, message}})}\n` : `metawsm: ${safeLine(message)}\n`);
		return 2;
	};
	if (isVersion(group) || (group === 'forum' && isVersion(name))) {
		stdout.write(`${VERSION}\n`);
		return 0;
	}
	if (group === undefined) {
		stderr.write(`${topHelp()}\n`);
		return 2;
	}
	if (isHelp(group) || (group === 'forum' && (name === undefined || isHelp(name)))) {
		stdout.write(`${topHelp()}\n`);
		return 0;
	}
	if (group === 'help') return help(options.argv.slice(1), stdout, env, early);
	if (group === 'forum' && name === 'help') return help(['forum', ...rest], stdout, env, early);
	if (group === 'completion') {
		if (isHelp(name)) {
			stdout.write(`${COMPLETION_HELP}\n`);
			return 0;
		}
		if (!SHELLS.includes(name as Shell)) {
			return early(`${name === undefined ? 'name a shell' : `unknown shell "${name.slice(0, 40)}"${didYouMean(name, SHELLS)}`}: metawsm completion ${SHELLS.join('|')}`);
		}
		// Loaded only here: the scripts' text is no part of every agent's call.
		const {completionScript} = await import('./completion.js');
		stdout.write(completionScript(name as Shell, COMMANDS));
		return 0;
	}
	if (group !== 'forum') {
		const top = group.slice(0, 40);
		if (FORUM_NAMES.includes(group)) return early(`unknown command "${top}"; did you mean \`metawsm forum ${top}\`? see \`metawsm help\``, 'unknown_command');
		const near = closest(group, TOP_COMMANDS.map((command) => command.name)) ?? (closest(group, FORUM_NAMES) && `forum ${closest(group, FORUM_NAMES)}`);
		return early(`unknown command "${top}"; ${near ? `did you mean \`metawsm ${near}\`? ` : ''}see \`metawsm help\``, 'unknown_command');
	}
	const command = COMMANDS.find((candidate) => candidate.name === name);
	if (!command) {
		const typed = name!.slice(0, 40);
		const near = closest(typed, FORUM_NAMES);
		return early(
			`unknown command "forum ${typed}"${near ? `; did you mean \`metawsm forum ${near}\`?` : `; commands: ${FORUM_NAMES.join(', ')}`}`,
			'unknown_command',
		);
	}

	let context: Context | undefined;
	try {
		const {flags, input} = parseFlags(command, rest);
		// After meow, which names every process `metawsm`: a dashboard, a waiting agent and serve differ in ps.
		options.setTitle?.(`metawsm forum ${command.name}`);
		context = new Context({command: command.name, flags, env, stdout, stderr, readStdin: options.readStdin, signal, setTitle: options.setTitle, stdoutIsTTY: options.stdoutIsTTY});
		if (flags['version'] === true) {
			stdout.write(`${VERSION}\n`);
			return 0;
		}
		if (flags['help'] === true) {
			stdout.write(`${commandHelp(command, flags, env)}\n`);
			return 0;
		}
		// A command that takes one positional value (backup FILE) gets it as that flag.
		if (command.positional && input.length > 0 && flags[command.positional] === undefined) flags[command.positional] = input.shift();
		if (input.length > 0) {
			throw new ForumError('usage', 'unexpected_argument', `unexpected argument "${input[0]!.slice(0, 40)}"; values go after flags, e.g. --thread-id ID`);
		}
		return await command.run(context);
	} catch (error) {
		if (context) return context.fail(error);
		const failure = error instanceof ForumError ? error : new ForumError('usage', 'invalid_usage', String((error as Error)?.message ?? error));
		stderr.write(json ? `${safeJson({error: {code: failure.code, message: failure.message}})}\n` : `metawsm forum ${command.name}: ${safeLine(failure.message)}\n`);
		return failure.exitCode;
	} finally {
		await context?.close().catch(() => undefined);
	}
}

/** `metawsm help [forum] [command]`, `metawsm forum help [command]`, `metawsm help completion`. */
function help(args: string[], stdout: Output, env: NodeJS.ProcessEnv, early: (message: string, code?: string) => number): number {
	const words = args[0] === 'forum' ? args.slice(1) : args;
	const [topic] = words;
	if (topic === undefined || topic === 'help' || topic === 'forum') {
		stdout.write(`${topHelp()}\n`);
		return 0;
	}
	if (topic === 'completion' && args[0] !== 'forum') {
		stdout.write(`${COMPLETION_HELP}\n`);
		return 0;
	}
	const command = COMMANDS.find((candidate) => candidate.name === topic);
	if (!command) {
		const near = closest(topic, FORUM_NAMES);
		return early(`no help for "${topic.slice(0, 40)}"${near ? `; did you mean \`metawsm forum help ${near}\`?` : `; commands: ${FORUM_NAMES.join(', ')}`}`, 'unknown_command');
	}
	stdout.write(`${commandHelp(command, {}, env)}\n`);
	return 0;
}
