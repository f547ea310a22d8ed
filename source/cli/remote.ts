/** Opening a Redis-only (remote) forum client; the transport lives in source/transport/. */
import {ForumError} from '../forum/errors.js';
import type {ForumClient} from '../service/client.js';
import type {Context} from './context.js';

export async function openRemoteClient(_context: Context): Promise<ForumClient> {
	throw new ForumError('usage', 'remote_unavailable', '--remote is not available in this build');
}
