import type {CommandSpec} from '../command.js';
import {answer} from './answer.js';
import {ask} from './ask.js';
import {assign} from './assign.js';
import {backup} from './backup.js';
import {close} from './close.js';
import {dash} from './dash.js';
import {docsSync} from './docs-sync.js';
import {keygen} from './keygen.js';
import {importCommand} from './import.js';
import {list} from './list.js';
import {mcp} from './mcp.js';
import {post} from './post.js';
import {priority} from './priority.js';
import {rebuild} from './rebuild.js';
import {serve} from './serve.js';
import {snooze} from './snooze.js';
import {state} from './state.js';
import {status} from './status.js';
import {thread} from './thread.js';
import {wait} from './wait.js';
import {watch} from './watch.js';

/** Every `metawsm forum` subcommand, in help order. */
export const COMMANDS: readonly CommandSpec[] = [ask, wait, post, answer, assign, state, priority, close, snooze, list, thread, watch, status, dash, mcp, serve, rebuild, docsSync, importCommand, backup, keygen];
