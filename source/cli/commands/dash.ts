import type {CommandSpec} from '../command.js';

export const dash: CommandSpec = {
	name: 'dash',
	summary: 'the live triage dashboard (Ink); --once prints one frame',
	usage: `metawsm forum dash [--demo] [--once] [--no-bell] [--actor-name NAME]

Opens full-screen in the terminal and updates by itself. Keys: j/k move, Tab or 1-6
switch section, Enter open, a answer, e answer in $EDITOR, r post, A assign, s state,
p priority, c close, / filter, t the agent's tmux pane, T jump to it, ? all keys,
q quit. Needs a terminal; --once prints one plain frame (NO_COLOR-safe) for scripts
and pipes. The bell rings on each new escalation (an urgent thread, an SLA breach) unless
--no-bell; in tmux it flags the dashboard's window when that window is not shown.

Examples:
  metawsm forum dash
  metawsm forum dash --demo          # temporary database, sample threads, simulated agents
  metawsm forum dash --once | head   # the queue as text`,
	flags: {
		demo: {type: 'boolean', description: 'seed demo data (a temporary database unless --db) and simulate agents'},
		once: {type: 'boolean', description: 'print one frame of the queue and exit (no TTY needed)'},
		bell: {type: 'boolean', default: true, description: 'ring the terminal bell on new escalations (default on; --no-bell silences)'},
		actorName: {type: 'string', description: 'operator name: who acts, whose seen marks, "me" (env METAWSM_ACTOR_NAME)'},
	},
	async run(context) {
		// Loaded only here: agents' commands never pay for ink or react.
		const {runDashCommand} = await import('../../dash/command.js');
		return runDashCommand(context);
	},
};
