/**
 * `metawsm completion bash|zsh|fish`: a static completion script drawn from the command
 * registry (commands, their flags and descriptions, flag values). Static, so a Tab press
 * never starts Node; regenerate after upgrading.
 */
import {ACTOR_TYPES, PRIORITIES, THREAD_STATES} from '../forum/types.js';
import {TOP_COMMANDS, type CommandSpec, type FlagSpec} from './command.js';
import {COMMON_FLAGS, kebab} from './flags.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Flags whose value is a file, or one of a fixed list. */
const FILE_FLAGS = new Set(['db', 'policy', 'bodyFile', 'from', 'root']);
const VALUE_FLAGS: Record<string, readonly string[]> = {
	state: THREAD_STATES,
	priority: PRIORITIES,
	actorType: ACTOR_TYPES,
	assigneeType: ACTOR_TYPES,
};

interface Flag {
	long: string;
	name: string;
	spec: FlagSpec;
}

function flagsOf(command: CommandSpec): Flag[] {
	const all = {...command.flags, ...COMMON_FLAGS};
	return Object.entries(all).map(([name, spec]) => ({long: `--${kebab(name)}`, name, spec}));
}

function sq(text: string): string {
	return `'${text.replace(/'/g, `'\\''`)}'`;
}

function bash(commands: readonly CommandSpec[]): string {
	const names = commands.map((c) => c.name).join(' ');
	const cases = commands.map((c) => `\t\t\t\t${c.name}) flags=${sq(flagsOf(c).map((f) => f.long).join(' '))} ;;`).join('\n');
	const valueCases = Object.entries(VALUE_FLAGS)
		.map(([name, values]) => `\t\t--${kebab(name)}) COMPREPLY=($(compgen -W ${sq(values.join(' '))} -- "$cur")); return ;;`)
		.join('\n');
	const files = [...FILE_FLAGS].map((name) => `--${kebab(name)}`).join('|');
	return `# metawsm completion for bash. Install:
#   metawsm completion bash > ~/.local/share/bash-completion/completions/metawsm
# or add to ~/.bashrc:  source <(metawsm completion bash)
_metawsm() {
	local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
	local commands=${sq(names)}
	case "$prev" in
${valueCases}
		${files}) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;
	esac
	if [[ $COMP_CWORD -eq 1 ]]; then
		COMPREPLY=($(compgen -W ${sq(`${TOP_COMMANDS.map((c) => c.name).join(' ')} --help --version`)} -- "$cur"))
		return
	fi
	case "\${COMP_WORDS[1]}" in
		forum)
			if [[ $COMP_CWORD -eq 2 ]]; then
				COMPREPLY=($(compgen -W "$commands help --help --version" -- "$cur"))
				return
			fi
			local flags=''
			case "\${COMP_WORDS[2]}" in
${cases}
				help) [[ $COMP_CWORD -eq 3 ]] && COMPREPLY=($(compgen -W "$commands" -- "$cur")); return ;;
			esac
			COMPREPLY=($(compgen -W "$flags" -- "$cur"))
			;;
		help)
			if [[ $COMP_CWORD -eq 2 ]]; then COMPREPLY=($(compgen -W ${sq(`${TOP_COMMANDS.map((c) => c.name).join(' ')}`)} -- "$cur"))
			elif [[ $COMP_CWORD -eq 3 && "\${COMP_WORDS[2]}" == forum ]]; then COMPREPLY=($(compgen -W "$commands" -- "$cur")); fi
			;;
		completion) [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W ${sq(SHELLS.join(' '))} -- "$cur")) ;;
	esac
}
complete -F _metawsm metawsm
`;
}

/** zsh's `name:description` entries, colons in descriptions escaped. */
function described(entries: readonly {name: string; summary: string}[]): string {
	return entries.map((e) => sq(`${e.name}:${e.summary.replace(/:/g, '\\:')}`)).join(' ');
}

function zsh(commands: readonly CommandSpec[]): string {
	const cases = commands
		.map((c) => `\t\t\t\t${c.name}) flags=(${described(flagsOf(c).map((f) => ({name: f.long, summary: f.spec.description})))}) ;;`)
		.join('\n');
	const valueCases = Object.entries(VALUE_FLAGS)
		.map(([name, values]) => `\t\t--${kebab(name)}) compadd -- ${values.join(' ')}; return ;;`)
		.join('\n');
	const files = [...FILE_FLAGS].map((name) => `--${kebab(name)}`).join('|');
	const forumCommands = [...commands.map((c) => ({name: c.name, summary: c.summary})), {name: 'help', summary: 'help for a command'}];
	return `#compdef metawsm
# metawsm completion for zsh. Install (a directory on $fpath, before compinit):
#   metawsm completion zsh > "\${fpath[1]}/_metawsm"
# or add to ~/.zshrc after compinit:  source <(metawsm completion zsh)
_metawsm() {
	local -a entries flags
	case "\${words[CURRENT-1]}" in
${valueCases}
		${files}) _files; return ;;
	esac
	if (( CURRENT == 2 )); then
		entries=(${described(TOP_COMMANDS)})
		_describe 'command' entries
		return
	fi
	case "\${words[2]}" in
		forum)
			if (( CURRENT == 3 )); then
				entries=(${described(forumCommands)})
				_describe 'forum command' entries
				return
			fi
			case "\${words[3]}" in
${cases}
				help) (( CURRENT == 4 )) && compadd -- ${commands.map((c) => c.name).join(' ')}; return ;;
			esac
			_describe 'flag' flags
			;;
		help)
			if (( CURRENT == 3 )); then compadd -- ${TOP_COMMANDS.map((c) => c.name).join(' ')}
			elif (( CURRENT == 4 )) && [[ "\${words[3]}" == forum ]]; then compadd -- ${commands.map((c) => c.name).join(' ')}; fi
			;;
		completion) (( CURRENT == 3 )) && compadd -- ${SHELLS.join(' ')} ;;
	esac
}
if [ "\${funcstack[1]}" = "_metawsm" ]; then
	_metawsm "$@"
else
	compdef _metawsm metawsm
fi
`;
}

function fish(commands: readonly CommandSpec[]): string {
	const names = commands.map((c) => c.name).join(' ');
	const lines = [
		'# metawsm completion for fish. Install:',
		'#   metawsm completion fish > ~/.config/fish/completions/metawsm.fish',
		'complete -c metawsm -f',
		...TOP_COMMANDS.map((c) => `complete -c metawsm -n '__fish_use_subcommand' -a ${c.name} -d ${sq(c.summary)}`),
		`complete -c metawsm -n '__fish_use_subcommand' -l version -d 'print the version'`,
		`complete -c metawsm -n '__fish_seen_subcommand_from completion' -a ${sq(SHELLS.join(' '))}`,
		`complete -c metawsm -n '__fish_seen_subcommand_from help; and not __fish_seen_subcommand_from forum completion' -a 'forum completion'`,
		`complete -c metawsm -n '__fish_seen_subcommand_from help; and __fish_seen_subcommand_from forum' -a ${sq(names)}`,
		...commands.map((c) => `complete -c metawsm -n '__fish_seen_subcommand_from forum; and not __fish_seen_subcommand_from ${names} help' -a ${c.name} -d ${sq(c.summary)}`),
		`complete -c metawsm -n '__fish_seen_subcommand_from forum; and not __fish_seen_subcommand_from ${names} help' -a help -d 'help for a command'`,
		`complete -c metawsm -n '__fish_seen_subcommand_from forum; and __fish_seen_subcommand_from help' -a ${sq(names)}`,
	];
	for (const command of commands) {
		for (const flag of flagsOf(command)) {
			const condition = `__fish_seen_subcommand_from forum; and __fish_seen_subcommand_from ${command.name}`;
			const values = VALUE_FLAGS[flag.name];
			const kind = FILE_FLAGS.has(flag.name) ? ' -r -F' : values ? ` -x -a ${sq(values.join(' '))}` : flag.spec.type === 'string' ? ' -x' : '';
			lines.push(`complete -c metawsm -n ${sq(condition)} -l ${kebab(flag.name)}${kind} -d ${sq(flag.spec.description)}`);
		}
	}
	return `${lines.join('\n')}\n`;
}

/** The completion script for `shell`. */
export function completionScript(shell: Shell, commands: readonly CommandSpec[]): string {
	switch (shell) {
		case 'bash':
			return bash(commands);
		case 'zsh':
			return zsh(commands);
		case 'fish':
			return fish(commands);
	}
}
