// Bundle the CLI: one ESM entry plus lazily loaded chunks (the dashboard's ink/react load only for `dash`).
import {build} from 'esbuild';
import {chmodSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// No clean step: parallel builds (tests, helpers) must never see dist/ vanish; esbuild overwrites.

// meow's pre-bundled dependencies carry package.json normalisation (semver, SPDX tables,
// hosted-git-info) and @babel/code-frame: half of the CLI bundle. meow uses them only to read
// and normalise package.json when no `pkg` is given, or when `cli.pkg` is read; the CLI passes
// `pkg` and never reads `cli.pkg`. Leave them out (a loud error if that ever changes): every
// agent's call parses less code.
const LEFT_OUT = JSON.stringify('metawsm build: meow\'s package.json normalisation is left out of the bundle; pass `pkg` to meow and do not read `cli.pkg` (scripts/build.js)');
const MEOW_TRIM = [
	// An unused top-level `promisify(execFile)` would load node:child_process (and node:net) on every call.
	["import { execFile } from 'node:child_process';\n", ''],
	['promisify(execFile);\n', ''],
	['var libExports = requireLib$1();', `var libExports = {codeFrameColumns: () => { throw new Error(${LEFT_OUT}); }};`],
	[
		'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);',
		`const normalizePackageData = () => { throw new Error(${LEFT_OUT}); };`,
	],
];
const trimMeow = {
	name: 'trim-meow-dependencies',
	setup(builder) {
		builder.onLoad({filter: /meow[\\/]build[\\/]dependencies\.js$/}, async ({path}) => {
			let contents = await readFile(path, 'utf8');
			for (const [from, to] of MEOW_TRIM) {
				if (!contents.includes(from)) throw new Error(`trim-meow-dependencies: "${from.slice(0, 40)}" not found; meow changed, update scripts/build.js`);
				contents = contents.replace(from, to);
			}
			return {contents, loader: 'js'};
		});
	},
};

// `import process from 'node:process'` builds an ESM facade that reads every property of
// process, stdout/stdin getters included, which loads node:stream on every call. The
// global is the same object: hand it out directly.
const processGlobal = {
	name: 'process-global',
	setup(builder) {
		builder.onResolve({filter: /^(node:)?process$/}, () => ({path: 'process', namespace: 'process-global'}));
		builder.onLoad({filter: /.*/, namespace: 'process-global'}, () => ({
			contents: 'const p = globalThis.process; export default p; export const env = p.env; export const argv = p.argv; export const platform = p.platform; export const cwd = () => p.cwd();',
			loader: 'js',
		}));
	},
};

// better-sqlite3's JavaScript is bundled (no CommonJS-from-ESM translation at startup); only
// its native addon loads from node_modules. Its `bindings` helper probes a dozen paths with
// failing require()s: try the release build's path first, fall back to `bindings` itself.
const sqliteAddon = {
	name: 'better-sqlite3-addon',
	setup(builder) {
		builder.onResolve({filter: /^bindings$/}, ({importer}) =>
			importer.includes('better-sqlite3') ? {path: 'bindings', namespace: 'better-sqlite3-addon'} : undefined,
		);
		builder.onLoad({filter: /.*/, namespace: 'better-sqlite3-addon'}, () => ({
			contents: `const release = 'better-sqlite3/build/Release/';
module.exports = (name) => {
	try {
		return require(release + name);
	} catch (error) {
		if (error.code !== 'MODULE_NOT_FOUND') throw error;
		const root = require('node:path').dirname(require.resolve('better-sqlite3/package.json'));
		return require(require.resolve('bindings', {paths: [root]}))({bindings: name, module_root: root});
	}
};`,
			loader: 'js',
		}));
	},
};

await build({
	plugins: [trimMeow, processGlobal, sqliteAddon],
	absWorkingDir: root,
	entryPoints: {cli: 'source/bin.ts'},
	outdir: 'dist',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	sourcemap: 'linked',
	alias: {'react-devtools-core': './scripts/empty-module.js', 'is-in-ci': './scripts/not-in-ci.js'},
	define: {'process.env.NODE_ENV': '"production"', 'process.env.DEV': '"false"'},
	// Bundled CommonJS dependencies (ioredis, react) call require(); give ESM output one.
	banner: {js: "import {createRequire as __metawsmCreateRequire} from 'node:module'; const require = __metawsmCreateRequire(import.meta.url);"},
	logLevel: 'warning',
});
chmodSync(`${root}/dist/cli.js`, 0o755);
