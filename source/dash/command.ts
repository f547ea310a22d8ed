/** Entry of `metawsm forum dash`: placeholder until the dashboard lands. */
import {ForumError} from '../forum/errors.js';
import type {Context} from '../cli/context.js';

export async function runDashCommand(_context: Context): Promise<number> {
	throw new ForumError('runtime', 'not_built', 'the dashboard is not part of this build yet');
}
