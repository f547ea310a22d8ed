import type {CommandSpec} from '../command.js';

export const dash: CommandSpec = {
	name: 'dash',
	summary: 'the live triage dashboard (Ink); --once prints one frame',
	usage: `metawsm forum dash [--demo] [--once] [--no-bell]

Example:
  metawsm forum dash`,
	flags: {
		demo: {type: 'boolean', description: 'seed demo data into a temporary database and simulate agents'},
		once: {type: 'boolean', description: 'print one frame of the queue and exit (no TTY needed)'},
		bell: {type: 'boolean', description: 'ring the bell on new escalations (default on; --no-bell silences)'},
	},
	async run(context) {
		// Loaded only here: agents' commands never pay for ink or react.
		const {runDashCommand} = await import('../../dash/command.js');
		return runDashCommand(context);
	},
};
